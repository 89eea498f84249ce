package dev.notify.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public compliance suites, the {@code test-suite/} folders of socketio/engine.io-protocol and
 * socketio/socket.io-protocol, against the conformance server on each transport: every case must pass.
 *
 * <p>The suites are not copied here: give checkouts of the two repositories side by side with {@code
 * -Dnotify.protocol.suites=DIR} (or {@code NOTIFY_PROTOCOL_SUITES}), e.g. {@code git clone
 * https://github.com/socketio/engine.io-protocol DIR/engine.io-protocol} and the same for socket.io-protocol; without
 * them the test is skipped. It installs each suite's npm packages on first use, with {@code ws} 8.16.0 instead of the
 * pinned 8.5 (see the README's Compliance section: ws 8.5 emits every frame of one TCP read synchronously and the
 * socket.io suite then misses the second of two frames that arrive together), and runs the suite on a copy that
 * points at the server's port instead of 3000. The suites' heartbeat cases allow the server a few milliseconds over
 * 300/200 ms: on a machine whose cores are all busy they can fail now and then, on any server.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProtocolSuitesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A suite: its repository folder and how many cases it has. */
  enum Suite {
    ENGINE_IO("engine.io-protocol", 24),
    SOCKET_IO("socket.io-protocol", 32);

    final String repository;
    final int cases;

    Suite(String repository, int cases) {
      this.repository = repository;
      this.cases = cases;
    }
  }

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Suite suite : Suite.values()) {
      for (ConformanceServer.HttpTransport transport : ConformanceServer.HttpTransport.values()) {
        runs.add(Arguments.of(suite, transport));
      }
    }
    return runs.stream();
  }

  @ParameterizedTest(name = "{0} suite on {1}")
  @MethodSource("runs")
  void everyCasePasses(Suite suite, ConformanceServer.HttpTransport transport) throws Exception {
    Path dir = prepare(suite);
    try (ConformanceServer server = ConformanceServer.start("127.0.0.1", 0, ConformanceServer.Timing.COMPLIANCE,
        null, transport)) {
      Path copy = dir.resolve("test-suite.port-" + server.port() + ".js");
      Files.writeString(copy, Files.readString(dir.resolve("test-suite.js"))
          .replace("http://localhost:3000", "http://localhost:" + server.port()));
      try {
        JsonNode report = run(dir, List.of("node", "node_modules/mocha/bin/mocha", "--reporter", "json",
            copy.getFileName().toString()));
        List<String> failures = new ArrayList<>();
        report.path("failures").forEach(f -> failures.add(f.path("fullTitle").asText() + ": "
            + f.path("err").path("message").asText()));
        assertThat(failures).as("failed cases").isEmpty();
        assertThat(report.path("stats").path("passes").asInt()).as("passed cases").isEqualTo(suite.cases);
      } finally {
        Files.deleteIfExists(copy);
      }
    }
  }

  /** The suite's folder, its npm packages installed; skips the test when no checkout was given. */
  private static synchronized Path prepare(Suite suite) throws Exception {
    String root = System.getProperty("notify.protocol.suites", System.getenv("NOTIFY_PROTOCOL_SUITES"));
    Assumptions.assumeTrue(root != null && !root.isBlank(), "no -Dnotify.protocol.suites=DIR (or "
        + "NOTIFY_PROTOCOL_SUITES) with checkouts of socketio/engine.io-protocol and socketio/socket.io-protocol");
    Path dir = Path.of(root, suite.repository, "test-suite");
    assertThat(dir.resolve("test-suite.js")).as("the suite in the checkout").isRegularFile();
    if (!Files.isDirectory(dir.resolve("node_modules/mocha"))) {
      exec(dir, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
      exec(dir, List.of("npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "ws@8.16.0"));
    }
    return dir;
  }

  private static void exec(Path dir, List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("%s in %s: %s", command, dir, output).isZero();
  }

  /** Runs mocha with its JSON reporter and returns the report; the server's log goes to this test's output. */
  private static JsonNode run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("protocol-suite", ".json");
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
      String report = Files.readString(out);
      assertThat(report).as("mocha's JSON report").contains("{");
      return JSON.readTree(report.substring(report.indexOf('{')));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
