package dev.notify.bench.driver;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The Redis of a run: a given one, or a {@code redis-server} of our own on a free loopback port (no persistence),
 * stopped by {@link #close()}.
 */
final class LocalRedis implements AutoCloseable {

  final String url;
  private final Process process;

  private LocalRedis(String url, Process process) {
    this.url = url;
    this.process = process;
  }

  /**
   * The one at {@code given} (from {@code --redis} / {@code REDIS_URL}) if not null, else one of our own, so other
   * users of a shared Redis neither see our traffic nor add theirs to our figures.
   */
  static LocalRedis givenOrOwn(String given, File log) throws IOException {
    return given != null ? new LocalRedis(given, null) : start(log);
  }

  /** The one at {@code url} if it answers PING, else one of our own. */
  static LocalRedis answeringOrOwn(String url, File log) throws IOException {
    return answers(url) ? new LocalRedis(url, null) : start(log);
  }

  /** Whether a Redis at {@code redis://host:port} answers a PING (any reply counts) within 2 s. */
  static boolean answers(String url) {
    try {
      URI uri = URI.create(url);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 2000);
        socket.setSoTimeout(2000);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        int first = in.read();
        return first == '+' || first == '-';
      }
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  private static LocalRedis start(File log) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        probe.getPort(); // it accepted a connection: up
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          process.destroy();
          throw new IOException("redis-server did not start on port " + port + "; see " + log, e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while redis-server starts", interrupted);
        }
      }
    }
    return new LocalRedis("redis://127.0.0.1:" + port, process);
  }

  /** Whether this Redis is one of our own. */
  boolean own() {
    return process != null;
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroy();
    }
  }
}
