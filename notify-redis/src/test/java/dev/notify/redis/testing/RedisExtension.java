package dev.notify.redis.testing;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Finds the Redis the tests share: {@code REDIS_URL}, else {@code redis://127.0.0.1:6379}; when none answers, or it
 * is older than Redis 7 (sharded pub/sub), starts one {@code redis-server} from PATH on a free port for the whole
 * run. Tests stay independent through a unique channel prefix each ({@link #uniqueKey}).
 */
public final class RedisExtension implements BeforeAllCallback {

  private static final AtomicReference<String> URL = new AtomicReference<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    url();
  }

  /** The URL of the shared Redis 7+. */
  public static synchronized String url() {
    String url = URL.get();
    if (url == null) {
      String env = System.getenv("REDIS_URL");
      url = env != null && !env.isBlank() ? env : "redis://127.0.0.1:6379";
      if (!RedisServer.ping(URI.create(url)) || majorVersion(URI.create(url)) < 7) {
        RedisServer server = RedisServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "redis-test-server-stop"));
        url = server.url();
      }
      URL.set(url);
    }
    return url;
  }

  /** A channel prefix no other test uses. */
  public static String uniqueKey(String test) {
    return "it-" + test + "-" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 1e6));
  }

  private static int majorVersion(URI url) {
    try (Connection c = new Connection(new HostAndPort(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()),
        DefaultJedisClientConfig.builder().build())) {
      c.sendCommand(Protocol.Command.INFO, "server");
      String info = c.getBulkReply();
      for (String line : info.split("\r\n")) {
        if (line.startsWith("redis_version:")) {
          return Integer.parseInt(line.substring("redis_version:".length()).split("\\.")[0]);
        }
      }
    } catch (RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
