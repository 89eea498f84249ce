package dev.notify.redis.internal;

import dev.notify.core.adapter.cluster.ClusterMessage;
import java.nio.charset.StandardCharsets;

/** Channel names of both wire formats, for adapters and emitters alike. */
public final class Channels {

  private Channels() {
  }

  /** {@code <key>#<nsp>#}: broadcasts (classic), everything (sharded). */
  public static String main(String key, String nsp) {
    return key + "#" + nsp + "#";
  }

  /** {@code <key>#<nsp>#<room>#}: a broadcast to exactly that room. */
  public static String room(String key, String nsp, String room) {
    return main(key, nsp) + room + "#";
  }

  /** {@code <key>-request#<nsp>#} (classic). */
  public static String request(String key, String nsp) {
    return key + "-request#" + nsp + "#";
  }

  /** {@code <key>-response#<nsp>#} (classic). */
  public static String response(String key, String nsp) {
    return key + "-response#" + nsp + "#";
  }

  /** A Redis glob pattern matching exactly the channels that start with {@code prefix}. */
  public static String prefixPattern(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() + 2);
    for (char c : prefix.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('*').toString();
  }

  /** Whether the sharded adapter's DYNAMIC mode treats a room as a socket id (20 characters, as Node checks). */
  public static boolean looksLikeSocketId(String room) {
    return room.length() == 20;
  }

  /**
   * Where a message goes in the classic format: a broadcast without ack to exactly one room on that room's channel
   * (nodes subscribe to the prefix), other broadcasts on the main channel, requests on the request channel.
   */
  public static byte[] classicTarget(String key, String nsp, ClusterMessage message) {
    if (message instanceof ClusterMessage.Broadcast b && b.requestId() == null) {
      return bytes(b.opts().rooms().size() == 1 ? room(key, nsp, b.opts().rooms().iterator().next())
          : main(key, nsp));
    }
    return bytes(request(key, nsp));
  }

  /**
   * Where a message goes in the sharded format: with {@code dynamic} subscriptions, a broadcast without ack to
   * exactly one room that is not a socket id on that room's channel; everything else on the main channel (a
   * broadcast with acks too: every node must answer its client count).
   */
  public static byte[] shardedTarget(String key, String nsp, boolean dynamic, ClusterMessage message) {
    if (dynamic && message instanceof ClusterMessage.Broadcast b && b.requestId() == null
        && b.opts().rooms().size() == 1) {
      String room = b.opts().rooms().iterator().next();
      if (!looksLikeSocketId(room)) {
        return bytes(room(key, nsp, room));
      }
    }
    return bytes(main(key, nsp));
  }

  static byte[] bytes(String channel) {
    return channel.getBytes(StandardCharsets.UTF_8);
  }
}
