package dev.notify.redis.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/** How long one notification took from its send to its {@code notification:new} on one device, in ms. */
public record Latency(String id, long millis) {

  /** Takes every latency recorded so far out of a device's queue. */
  static List<Latency> drain(Queue<Latency> recorded) {
    List<Latency> list = new ArrayList<>();
    Latency l;
    while ((l = recorded.poll()) != null) {
      list.add(l);
    }
    return list;
  }
}
