package dev.notify.redis.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/** Cleans up after notification store tests on a shared Redis: their inbox keys expire, their streams do not. */
public final class RedisKeys {

  private RedisKeys() {
  }

  /** Deletes every key of a store's prefix ({@code {<prefix>:...}}). */
  public static void deleteStoreKeys(String url, String prefix) {
    URI uri = URI.create(url);
    try (Connection c = new Connection(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()))) {
      String cursor = "0";
      do {
        c.sendCommand(Protocol.Command.SCAN, cursor, "MATCH", "{" + prefix + ":*", "COUNT", "1000");
        List<Object> reply = c.getObjectMultiBulkReply();
        cursor = new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
        List<?> keys = (List<?>) reply.get(1);
        if (!keys.isEmpty()) {
          c.sendCommand(Protocol.Command.DEL, keys.toArray(new byte[0][]));
          c.getIntegerReply();
        }
      } while (!"0".equals(cursor));
    }
  }
}
