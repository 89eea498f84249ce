package dev.notify.examples;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The Redis of the notification demo: the one at a URL if it answers {@code PING}, else an embedded one started on
 * a free loopback port (the {@code redis-server} on the PATH if there is one, else the Redis 6.2 binary that
 * embedded-redis bundles), with no persistence, stopped by {@link #close()}.
 */
final class DemoRedis implements AutoCloseable {

  /** Where an embedded server comes from. */
  enum Source {
    /** A server that already answered at the URL. */
    EXISTING,
    /** {@code redis-server} from the PATH, started by us. */
    PATH,
    /** The binary bundled in the embedded-redis jar, started by us. */
    BUNDLED
  }

  private final String url;
  private final Source source;
  private final RedisServer embedded;
  private final Path dir;

  private DemoRedis(String url, Source source, RedisServer embedded, Path dir) {
    this.url = url;
    this.source = source;
    this.embedded = embedded;
    this.dir = dir;
  }

  /** The Redis at {@code url} if it answers PING, else an embedded one (from PATH, else bundled). */
  static DemoRedis at(String url) {
    if (answersPing(URI.create(url))) {
      return new DemoRedis(url, Source.EXISTING, null, null);
    }
    return embedded(false);
  }

  /**
   * Starts an embedded Redis on a free loopback port: the {@code redis-server} on the PATH unless
   * {@code bundledOnly} or there is none, else the binary bundled in the embedded-redis jar.
   */
  static DemoRedis embedded(boolean bundledOnly) {
    ExecutableProvider provider = null;
    Source source = Source.BUNDLED;
    if (!bundledOnly) {
      try {
        provider = ExecutableProvider.newExecutableInPath("redis-server");
        source = Source.PATH;
      } catch (FileNotFoundException e) {
        // none on the PATH: the bundled binary
      }
    }
    if (provider == null) {
      provider = ExecutableProvider.newJarResourceProvider();
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("notify-demo-redis");
      int port = freePort();
      RedisServer server = RedisServer.newRedisServer()
          .executableProvider(provider)
          .bind("127.0.0.1")
          .port(port)
          .setting("save \"\"")                      // nothing on disk: a demo starts empty
          .setting("appendonly no")
          .setting("dir " + dir.toAbsolutePath())
          .onShutdownForceStop(true)
          .build();
      server.start();
      return new DemoRedis("redis://127.0.0.1:" + port, source, server, dir);
    } catch (IOException e) {
      deleteQuietly(dir);
      throw new UncheckedIOException("could not start an embedded Redis (" + source + "): " + e.getMessage(), e);
    }
  }

  String url() {
    return url;
  }

  Source source() {
    return source;
  }

  /** Stops the embedded server, if we started one. */
  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.stop();
      } catch (IOException e) {
        System.err.println("embedded Redis did not stop cleanly: " + e.getMessage());
      }
      deleteQuietly(dir);
    }
  }

  @Override
  public String toString() {
    return switch (source) {
      case EXISTING -> "Redis at " + url;
      case PATH -> "embedded Redis (redis-server from PATH) at " + url;
      case BUNDLED -> "embedded Redis (bundled binary) at " + url;
    };
  }

  /** Whether a Redis answers PING at {@code url} within a second (with the URL's credentials and TLS). */
  static boolean answersPing(URI url) {
    try (Jedis jedis = new Jedis(url, 1000)) {
      return "PONG".equals(jedis.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover empty temp directory is harmless
    }
  }
}
