package dev.notify.admin;

import dev.notify.core.metrics.NotifyMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connection and packet counts of each second that {@code server_stats} carries as {@code aggregatedEvents},
 * taken from the server's metrics reports. Counting allocates nothing except once a second; a second's counts wait
 * for the next stats message, so at most a few seconds are kept. Thread-safe.
 */
final class EventBuffer implements NotifyMetrics {

  /** The counts of one second. */
  private static final class Second {
    final long at;
    final LongAdder rawConnection = new LongAdder();
    final LongAdder packetsIn = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    /** by close reason: a bounded set */
    final Map<String, LongAdder> rawDisconnection = new ConcurrentHashMap<>();

    Second(long at) {
      this.at = at;
    }
  }

  private final AtomicReference<Second> current = new AtomicReference<>(new Second(secondNow()));
  private final Queue<Second> past = new ConcurrentLinkedQueue<>();

  private static long secondNow() {
    return System.currentTimeMillis() / 1000 * 1000;
  }

  private Second second() {
    long now = secondNow();
    Second c = current.get();
    if (c.at == now) {
      return c;
    }
    Second next = new Second(now);
    if (current.compareAndSet(c, next)) {
      past.add(c);
      return next;
    }
    return current.get();
  }

  @Override
  public void connectionOpened(String transport) {
    second().rawConnection.increment();
  }

  @Override
  public void connectionClosed(String reason) {
    second().rawDisconnection.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  @Override
  public void packetReceived(int length) {
    Second s = second();
    s.packetsIn.increment();
    s.bytesIn.add(length);
  }

  @Override
  public void packetsSent(int count, long length) {
    Second s = second();
    s.packetsOut.add(count);
    s.bytesOut.add(length);
  }

  /** The counts since the last call, as the UI reads them: {@code {timestamp, type, subType?, count}}. */
  List<Map<String, Object>> drain() {
    past.add(current.getAndSet(new Second(secondNow())));
    List<Map<String, Object>> events = new ArrayList<>();
    for (Second s = past.poll(); s != null; s = past.poll()) {
      add(events, s.at, "rawConnection", null, s.rawConnection.sum());
      add(events, s.at, "packetsIn", null, s.packetsIn.sum());
      add(events, s.at, "bytesIn", null, s.bytesIn.sum());
      add(events, s.at, "packetsOut", null, s.packetsOut.sum());
      add(events, s.at, "bytesOut", null, s.bytesOut.sum());
      long at = s.at;
      s.rawDisconnection.forEach((reason, count) -> add(events, at, "rawDisconnection", reason, count.sum()));
    }
    return events;
  }

  private static void add(List<Map<String, Object>> events, long at, String type, String subType, long count) {
    if (count == 0) {
      return;
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("timestamp", at);
    event.put("type", type);
    if (subType != null) {
      event.put("subType", subType);
    }
    event.put("count", count);
    events.add(event);
  }
}
