package dev.notify.redis.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * A {@code redis-server} this test started on a free loopback port, without persistence, and stops by its pid: for
 * tests that stop, restart or reconfigure Redis, and when no Redis answers at {@code REDIS_URL}. The binary is
 * {@link RedisExecutable#get()}: the one on the PATH, else the one bundled in embedded-redis.
 */
public final class RedisServer implements AutoCloseable {

  private final RedisExecutable executable;
  private final int port;
  private final List<String> extraArgs;
  private final Path dir;
  private Process process;

  private RedisServer(RedisExecutable executable, int port, List<String> extraArgs) throws IOException {
    this.executable = executable;
    this.port = port;
    this.extraArgs = extraArgs;
    this.dir = Files.createTempDirectory("notify-redis-");
  }

  /** Starts a server from {@link RedisExecutable#get()} on a free port. */
  public static RedisServer start(String... extraArgs) {
    return start(RedisExecutable.get(), extraArgs);
  }

  /** Starts a server from {@code executable} on a free port. */
  public static RedisServer start(RedisExecutable executable, String... extraArgs) {
    try {
      List<String> args = List.of(extraArgs);
      RedisServer server = new RedisServer(executable,
          args.contains("--cluster-enabled") ? freeClusterPort() : freePort(), args);
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + executable + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Kills the server (SIGKILL by pid) and waits until it is gone. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts the server again on the same port, after {@link #kill()}: with the old one still running the new one
   * could not bind, and the old one would answer in its place.
   */
  public void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is still running: kill() it first");
    }
    try {
      startProcess();
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart " + executable + ": " + e.getMessage(), e);
    }
  }

  private void startProcess() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(executable.path().toString(), "--port",
        String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--protected-mode", "no"));
    cmd.addAll(extraArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "redis.log"));
    process = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (ping(URI.create(url()))) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS); // wait for it to listen, not a sleep: ends early if it dies
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
    throw new IOException("redis-server on port " + port + " did not answer within 10 s");
  }

  /** Whether a Redis at this URL answers PING. */
  public static boolean ping(URI url) {
    try (Connection c = new Connection(new HostAndPort(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()),
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(500).socketTimeoutMillis(500).build())) {
      return c.ping();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code redis_version} from {@code INFO server} of the Redis at this URL, or null if it cannot be read. */
  public static String version(URI url) {
    try (Connection c = new Connection(new HostAndPort(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()),
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(2000).build())) {
      c.sendCommand(Protocol.Command.INFO, "server");
      for (String line : c.getBulkReply().split("\r\n")) {
        if (line.startsWith("redis_version:")) {
          return line.substring("redis_version:".length()).strip();
        }
      }
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A free port whose cluster bus port (port + 10000) is free too. */
  private static int freeClusterPort() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = freePort();
      if (port + 10_000 > 65_535) {
        continue;
      }
      try (ServerSocket bus = new ServerSocket(port + 10_000, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException e) {
        // bus port taken: try another
      }
    }
    throw new IOException("no free port with a free cluster bus port (port + 10000)");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Kills the server and deletes its directory (its log and any appendonly files). */
  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
