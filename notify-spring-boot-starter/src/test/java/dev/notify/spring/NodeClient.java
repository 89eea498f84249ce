package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm {@code socket.io-client} running {@code interop/clients/spring-app.mjs} (installed in the folder of the
 * system property {@code notify.interop.dir}, which the build sets): it connects with the query {@code label}, waits
 * for one headline and prints what it saw as one JSON line.
 */
final class NodeClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> command;
  private final Process process;
  private final Path out;
  private final Path err;

  private NodeClient(List<String> command, Process process, Path out, Path err) {
    this.command = command;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts the client against {@code http://127.0.0.1:port}, {@code mode} {@code default} or {@code websocket}. */
  static NodeClient start(int port, String label, String mode) throws IOException {
    String dir = System.getProperty("notify.interop.dir");
    assertThat(dir).as("system property notify.interop.dir (set by the build)").isNotBlank();
    assertThat(Path.of(dir, "node_modules/socket.io-client")).as("npm ci in " + dir).isDirectory();
    List<String> command = List.of("node", "clients/spring-app.mjs", "http://127.0.0.1:" + port, label, mode);
    Path out = Files.createTempFile("notify-node", ".out");
    Path err = Files.createTempFile("notify-node", ".err");
    Process process = new ProcessBuilder(command).directory(Path.of(dir).toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new NodeClient(command, process, out, err);
  }

  /** Waits for the script to end within {@link Clients#DEADLINE} and returns the JSON line it printed. */
  JsonNode result() throws IOException, InterruptedException {
    if (!process.waitFor(Clients.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(command + " still running after " + Clients.DEADLINE + "; stderr: "
          + Files.readString(err));
    }
    String stdout = Files.readString(out).strip();
    if (process.exitValue() != 0 || stdout.isEmpty()) {
      throw new AssertionError(command + " exited with " + process.exitValue() + "; stderr: "
          + Files.readString(err) + "; stdout: " + stdout);
    }
    return JSON.readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
  }
}
