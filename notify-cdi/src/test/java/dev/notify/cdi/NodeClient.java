package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The npm {@code socket.io-client} (4.8.4, installed in the folder of system property {@code notify.interop.dir})
 * running {@code interop/clients/cdi-client.mjs}: it waits to be told it {@code joined} a room, then for a
 * {@code headline}.
 */
final class NodeClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path out;
  private final Path err;
  private NodeClient(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** @param mode {@code default} (polling, then upgrade) or {@code websocket} */
  static NodeClient start(int port, String path, String mode) throws IOException {
    String dir = System.getProperty("notify.interop.dir");
    assertThat(dir).as("system property notify.interop.dir (set by the build)").isNotBlank();
    assertThat(Path.of(dir, "node_modules/socket.io-client")).as("npm ci in " + dir).isDirectory();
    Path out = Files.createTempFile("notify-cdi-node", ".out");
    Path err = Files.createTempFile("notify-cdi-node", ".err");
    Process process = new ProcessBuilder("node", "clients/cdi-client.mjs", "http://127.0.0.1:" + port, path, mode,
        "joined", "headline")
        .directory(Path.of(dir).toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    return new NodeClient(process, out, err);
  }

  /** Waits until the application has put the client in its room. */
  void awaitJoined() throws IOException {
    await().atMost(Clients.DEADLINE).until(() -> Files.readString(out).startsWith("joined\n")
        || !process.isAlive());
    if (!Files.readString(out).startsWith("joined\n")) {
      throw new AssertionError("node client exited before joining: " + Files.readString(err));
    }
  }

  /** What the client observed, once it has printed it and exited. */
  JsonNode result() throws IOException, InterruptedException {
    if (!process.waitFor(Clients.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node client still running after " + Clients.DEADLINE + "; stderr: "
          + Files.readString(err));
    }
    String stdout = Files.readString(out).strip();
    if (process.exitValue() != 0 || stdout.isEmpty()) {
      throw new AssertionError("node client exited with " + process.exitValue() + "; stderr: "
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
