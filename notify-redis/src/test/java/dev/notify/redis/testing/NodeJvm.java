package dev.notify.redis.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A {@link NotificationNodeMain} in its own JVM process, started with the test class path, so a test can kill it
 * abruptly ({@link #kill()}: SIGKILL by pid, no shutdown hook, no graceful close). Its log goes to a file under
 * {@code target/it-logs}.
 */
public final class NodeJvm implements AutoCloseable {

  /** The jars a modular application puts on its module path: notify's and what they need at run time. */
  private static final Pattern MODULE_JARS = Pattern.compile("(notify-(core|jakarta|redis)-\\d[^-]*(-SNAPSHOT)?"
      + "|jackson-.*|slf4j-(api|simple)-.*|jedis-.*|commons-pool2-.*|gson-.*|json-\\d.*|redis-authx-.*"
      + "|msgpack-core-.*|tyrus-.*|grizzly-.*|jakarta\\.(websocket|xml\\.bind|activation)-.*)\\.jar");

  private final Process process;
  private final int port;
  private final Path log;

  private NodeJvm(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a node and waits (up to 60 s) until it serves. */
  public static NodeJvm start(String name, String redisUrl, String adapterKey, String storePrefix, long ackTimeoutMs,
      long retryDelayMs) throws IOException {
    return launch(name, List.of("-cp", testClassPath()), redisUrl, adapterKey, storePrefix, ackTimeoutMs,
        retryDelayMs);
  }

  /**
   * As {@link #start}, with notify's modules and their dependencies on the module path ({@link #MODULE_JARS}) and
   * only the test code on the class path: a node as an application using notify as modules runs it, where any use
   * of a package a module does not export to another fails.
   */
  public static NodeJvm startOnModulePath(String name, String redisUrl, String adapterKey, String storePrefix,
      long ackTimeoutMs, long retryDelayMs) throws IOException {
    List<String> modules = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (String entry : testClassPath().split(File.pathSeparator)) {
      Path path = Path.of(entry);
      boolean module = Files.isDirectory(path) ? Files.exists(path.resolve("module-info.class"))
          : MODULE_JARS.matcher(path.getFileName().toString()).matches();
      (module ? modules : classes).add(entry);
    }
    return launch(name, List.of("--module-path", String.join(File.pathSeparator, modules), "--add-modules",
        "dev.notify.redis,dev.notify.jakarta,org.glassfish.tyrus.server,"
        + "org.glassfish.tyrus.container.grizzly.server", "-cp", String.join(File.pathSeparator, classes)), redisUrl,
        adapterKey, storePrefix, ackTimeoutMs, retryDelayMs);
  }

  private static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static NodeJvm launch(String name, List<String> paths, String redisUrl, String adapterKey,
      String storePrefix, long ackTimeoutMs, long retryDelayMs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(paths);
    cmd.addAll(List.of(NotificationNodeMain.class.getName(), redisUrl, adapterKey, storePrefix,
        Long.toString(ackTimeoutMs), Long.toString(retryDelayMs)));
    Path dir = Files.createDirectories(Path.of("target", "it-logs"));
    Path log = dir.resolve(name + ".log");
    Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("READY ")) {
            ready.complete(Integer.parseInt(line.substring(6).trim()));
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      ready.completeExceptionally(new IllegalStateException("node " + name + " exited before it was ready"));
    }, "node-jvm-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      return new NodeJvm(process, ready.get(60, TimeUnit.SECONDS), log);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("node " + name + " did not start; see " + log.toAbsolutePath() + ": " + e, e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Kills the process (SIGKILL by pid) and waits until it is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (IOException | InterruptedException e) {
        kill();
      }
    }
  }
}
