package dev.notify.redis.testing;

import dev.notify.redis.RedisMode;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Finds the Redis the tests share: {@code REDIS_URL}, else {@code redis://127.0.0.1:6379}. When none answers, or it
 * is older than Redis 7 (sharded pub/sub) while the {@link RedisExecutable} is newer, starts one from
 * {@link RedisExecutable} (the {@code redis-server} on the PATH, else the Redis 6.2 bundled in embedded-redis) on a
 * free port for the whole run. Tests stay independent through a unique channel prefix each ({@link #uniqueKey});
 * a sharded-mode test on a Redis older than 7 is skipped ({@link #assumeSupports}).
 */
public final class RedisExtension implements BeforeAllCallback {

  private static final AtomicReference<String> URL = new AtomicReference<>();
  private static volatile String version;
  private static volatile String description;

  @Override
  public void beforeAll(ExtensionContext context) {
    url();
  }

  /** The URL of the shared Redis. */
  public static synchronized String url() {
    String url = URL.get();
    if (url == null) {
      String env = System.getenv("REDIS_URL");
      String where = env != null && !env.isBlank() ? "REDIS_URL " + env : "redis://127.0.0.1:6379";
      url = env != null && !env.isBlank() ? env : "redis://127.0.0.1:6379";
      String found = RedisServer.ping(URI.create(url)) ? RedisServer.version(URI.create(url)) : null;
      if (found != null && (RedisExecutable.majorOf(found) >= 7
          || RedisExecutable.majorOf(found) >= RedisExecutable.get().majorVersion())) {
        description = "Redis " + found + " at " + where;
      } else {
        RedisServer server = RedisServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
        url = server.url();
        description = RedisExecutable.get() + ", started at " + url + " ("
            + (found == null ? "none answered at " + where : "the one at " + where + " is Redis " + found) + ")";
      }
      version = RedisServer.version(URI.create(url));
      System.err.println("[notify tests] shared Redis: " + description);
      URL.set(url);
    }
    return url;
  }

  /** Skips the calling test when the shared Redis cannot serve {@code mode} (sharded needs Redis 7+). */
  public static void assumeSupports(RedisMode mode) {
    url();
    RedisExecutable.assumeSupports(mode, version, description);
  }

  /** A channel prefix no other test uses. */
  public static String uniqueKey(String test) {
    return "it-" + test + "-" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 1e6));
  }
}
