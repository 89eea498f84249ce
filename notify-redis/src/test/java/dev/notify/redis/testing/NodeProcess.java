package dev.notify.redis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Node.js script from {@code interop/} (the folder of system property {@code notify.interop.dir}) run as a child
 * process: JSON lines out, JSON commands in.
 */
public final class NodeProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
  private final List<String> stderr = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private NodeProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread out = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)), true), "node-stdout");
    Thread err = new Thread(() -> pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
        StandardCharsets.UTF_8)), false), "node-stderr");
    out.setDaemon(true);
    err.setDaemon(true);
    out.start();
    err.start();
  }

  /** The interop folder, with its node_modules installed. */
  public static Path interopDir() {
    String dir = System.getProperty("notify.interop.dir");
    Path path = dir != null ? Path.of(dir) : Path.of("..", "interop");
    if (!Files.isDirectory(path.resolve("node_modules"))) {
      throw new IllegalStateException("npm packages missing: run 'npm ci' in " + path.toAbsolutePath());
    }
    return path;
  }

  public static NodeProcess start(String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    try {
      return new NodeProcess(new ProcessBuilder(cmd).directory(interopDir().toFile()).start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node " + script + ": " + e.getMessage(), e);
    }
  }

  /** Runs a script to its end; returns its stdout. */
  public static String run(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", script));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(interopDir().toFile()).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("node " + script + " did not finish in 30 s");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("node " + script + " exited " + p.exitValue() + ": " + output);
    }
    return output;
  }

  private void pump(BufferedReader reader, boolean json) {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!json) {
          stderr.add(line);
          continue;
        }
        try {
          lines.add(JSON.readTree(line));
        } catch (IOException e) {
          stderr.add("stdout: " + line);
        }
      }
    } catch (IOException e) {
      // process ended
    }
  }

  /** The next output line that has {@code field}, waiting up to 15 s. */
  public JsonNode awaitLine(String field) throws InterruptedException {
    return awaitLine(field, java.time.Duration.ofSeconds(15));
  }

  /** The next output line that has {@code field}, waiting up to {@code timeout}. */
  public JsonNode awaitLine(String field, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.has(field)) {
        return line;
      }
      if (line == null && !process.isAlive()) {
        throw new IllegalStateException("node exited " + process.exitValue() + ": " + stderr);
      }
    }
    throw new IllegalStateException("no line with '" + field + "' within " + timeout + "; stderr: " + stderr);
  }

  /** Sends a command and waits for the line answering it. */
  public JsonNode command(ObjectNode command) throws Exception {
    int id = ids.incrementAndGet();
    command.put("id", id);
    synchronized (stdin) {
      stdin.write(JSON.writeValueAsString(command) + "\n");
      stdin.flush();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    List<JsonNode> others = new ArrayList<>();
    try {
      while (System.nanoTime() < deadline) {
        JsonNode line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.path("id").asInt() == id) {
          if (line.has("error")) {
            throw new IllegalStateException("node command failed: " + line.get("error").asText());
          }
          return line;
        }
        if (line != null) {
          others.add(line);
        }
      }
    } finally {
      lines.addAll(others);
    }
    throw new IllegalStateException("no answer to " + command + " within 15 s; stderr: " + stderr);
  }

  public static ObjectNode cmd(String name) {
    return JSON.createObjectNode().put("cmd", name);
  }

  @Override
  public void close() {
    try {
      stdin.close();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
  }

  static File dir() {
    return interopDir().toFile();
  }
}
