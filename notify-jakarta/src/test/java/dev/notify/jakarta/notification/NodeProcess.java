package dev.notify.jakarta.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.jakarta.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Node script of {@code interop/clients/} in its own process, speaking JSON lines: {@link #send} writes one to
 * its stdin, and every line it prints is recorded, in order, for {@link #await}. Its stderr goes to the test's.
 * Closing stdin asks it to exit; {@link #close} then waits a little and kills it if need be.
 */
class NodeProcess implements AutoCloseable {

  private final Process process;
  private final Writer stdin;
  /** guarded by itself */
  private final List<JsonNode> lines = new ArrayList<>();
  /** guarded by lines: which lines {@link #await} handed out */
  private final BitSet handedOut = new BitSet();

  NodeProcess(String script, String... args) {
    Path dir = Path.of(System.getProperty("notify.interop.dir", "../interop"));
    Path file = dir.resolve("clients").resolve(script);
    if (!Files.isRegularFile(file) || !Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException(file + " or " + dir.resolve("node_modules") + " is missing: run npm ci in "
          + dir + " (mvn does it in the initialize phase)");
    }
    List<String> command = new ArrayList<>(List.of("node", file.toString()));
    command.addAll(List.of(args));
    try {
      process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::read, "node-" + script);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        JsonNode json;
        try {
          json = Device.JSON.readTree(line);
        } catch (JsonProcessingException e) {
          json = Device.JSON.createObjectNode().put("type", "unparsable").put("line", line);
        }
        synchronized (lines) {
          lines.add(json);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Writes one JSON line to the script's stdin. */
  void send(Object command) {
    try {
      synchronized (stdin) {
        stdin.write(Device.JSON.writeValueAsString(command));
        stdin.write('\n');
        stdin.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the node process does not take commands any more", e);
    }
  }

  /** Writes a raw line to the script's stdin. */
  void sendLine(String line) {
    try {
      synchronized (stdin) {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the node process does not take commands any more", e);
    }
  }

  /**
   * Waits for the first printed line that matches and was not handed out by this method yet, and hands it out;
   * other lines stay available. Fails after {@link Await#DEADLINE}.
   */
  JsonNode await(String what, Predicate<JsonNode> matches) {
    long deadline = System.nanoTime() + Await.DEADLINE.toNanos();
    synchronized (lines) {
      while (true) {
        for (int i = handedOut.nextClearBit(0); i < lines.size(); i = handedOut.nextClearBit(i + 1)) {
          if (matches.test(lines.get(i))) {
            handedOut.set(i);
            return lines.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + what + " within " + Await.DEADLINE + " (process "
              + (process.isAlive() ? "running" : "exited with " + process.exitValue()) + "); printed: " + lines);
        }
        try {
          lines.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Waits for the next line of this {@code type}. */
  JsonNode await(String type) {
    return await("'" + type + "' line", line -> type.equals(line.path("type").asText()));
  }

  /** Every line printed so far. */
  List<JsonNode> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
