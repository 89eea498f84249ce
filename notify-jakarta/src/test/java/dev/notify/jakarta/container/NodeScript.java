package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of {@code interop/clients/} with Node (the npm {@code socket.io-client} 4.8.4 installed in the
 * interop folder, system property {@code notify.interop.dir}) and returns the one JSON line it prints.
 */
final class NodeScript {

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeScript() {
  }

  static Path interopDir() {
    String dir = System.getProperty("notify.interop.dir");
    assertThat(dir).as("system property notify.interop.dir (set by the build)").isNotBlank();
    Path path = Path.of(dir);
    assertThat(path.resolve("node_modules/socket.io-client")).as("npm ci in " + path).isDirectory();
    return path;
  }

  /**
   * Runs {@code node clients/<script> args...}, killing it after {@code deadline}.
   *
   * @return the last line the script printed, parsed as JSON
   * @throws AssertionError when it fails, times out or prints no JSON; with its stderr
   */
  static JsonNode run(String script, Duration deadline, String... args) throws IOException, InterruptedException {
    Path dir = interopDir();
    List<String> command = new ArrayList<>(List.of("node", "clients/" + script));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("notify-node", ".out");
    Path err = Files.createTempFile("notify-node", ".err");
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError(command + " still running after " + deadline + "; stderr: " + Files.readString(err));
      }
      String stdout = Files.readString(out).strip();
      if (process.exitValue() != 0 || stdout.isEmpty()) {
        throw new AssertionError(command + " exited with " + process.exitValue() + "; stderr: "
            + Files.readString(err) + "; stdout: " + stdout);
      }
      return JSON.readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
