package dev.notify.bench.driver;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child process driven by lines: commands on its stdin, answers on its stdout; stderr goes to a log file. */
final class Proc implements AutoCloseable {

  final String name;
  final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  Proc(String name, List<String> command, File dir, File log) throws IOException {
    this.name = name;
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir)
        .redirectError(ProcessBuilder.Redirect.appendTo(log));
    this.process = pb.start();
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.US_ASCII))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  long pid() {
    return process.pid();
  }

  void send(String command) {
    in.println(command);
  }

  /** The next line that starts with {@code prefix} (others are skipped), within {@code seconds}. */
  String expect(String prefix, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new IllegalStateException(name + ": no '" + prefix + "' line within " + seconds + " s"
              + (process.isAlive() ? "" : " (process exited with " + process.exitValue() + ")"));
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted");
    }
  }

  String request(String command, String answerPrefix, double seconds) {
    send(command);
    return expect(answerPrefix, seconds);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      send("quit");
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroy();
          if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
