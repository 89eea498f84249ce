package dev.notify.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official JavaScript client ({@code socket.io-client} 4.8.4 from npm, WebSocket transport) against the
 * conformance server, served by Tyrus and by Netty: connect, echo, acks, binary, namespaces, rooms, errors and
 * disconnect reasons. Each test runs {@code interop/clients/conformance.mjs <scenario>}, which prints one JSON line
 * of what the client saw.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ParameterizedClass(name = "on {0}")
@EnumSource(ConformanceServer.HttpTransport.class)
class ConformanceInteropIT {

  private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(30);
  private static final Duration SERVER_DEADLINE = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The conformance server's handlers with a heartbeat a loaded 2-core machine keeps up with: the compliance
   * suites' 300/200 ms drops connections when a client or the server is starved of CPU for 200 ms.
   */
  private static final ConformanceServer.Timing TIMING =
      new ConformanceServer.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

  /** What clients/conformance.mjs sends in the echo scenario (its ECHO_VALUES). */
  private static final String ECHO_VALUES = """
      ["hello", "", 42, -1.5, 0, 9007199254740991, true, false, null,
       {"a": 1, "b": "two", "c": [1, 2, {"d": null}]},
       [[1, 2], [3, [4, [5]]], []],
       "h\\u00e9llo w\\u00f6rld \\u2713 \\u4f60\\u597d \\ud83c\\udf89",
       {"\\u043a\\u043b\\u044e\\u0447": "\\u0437\\u043d\\u0430\\u0447\\u0435\\u043d\\u0438\\u0435",
        "emoji": "\\ud83d\\ude80"}]
      """;

  private static Path interopDir;
  private static ConformanceServer server;
  private static ConformanceServer.HttpTransport transport;

  @Parameter
  ConformanceServer.HttpTransport httpTransport;

  @BeforeAll
  static void findClients() {
    String dir = System.getProperty("notify.interop.dir");
    if (dir == null) {
      fail("system property notify.interop.dir is not set (the parent pom sets it for failsafe)");
    }
    interopDir = Path.of(dir);
    if (!Files.isDirectory(interopDir.resolve("node_modules/socket.io-client"))) {
      fail("socket.io-client is not installed in " + interopDir.resolve("node_modules")
          + ": run `npm ci` in " + interopDir);
    }
  }

  /** One server per transport, shared by its tests: the class runs once per transport, one after the other. */
  @BeforeEach
  void startServer() {
    if (transport != httpTransport) {
      stopServer();
      transport = httpTransport;
      server = ConformanceServer.start("127.0.0.1", 0, TIMING, null, transport);
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  // ---- connect ----

  @Test
  void clientWithoutAuthConnectsOverWebSocketAndGetsAnEmptyAuthBack() {
    NodeClient.start("connect", url(server)).verify(result -> {
      assertThat(result.path("transport").asText()).isEqualTo("websocket");
      assertThat(result.path("id").asText()).isNotEmpty();
      assertThat(result.path("whoami")).as("the server's socket id").isEqualTo(result.path("id"));
      assertThat(result.path("auth")).isEqualTo(JSON.createObjectNode());
    });
  }

  @Test
  void clientAuthPayloadReachesTheServerUnchanged() throws IOException {
    String auth = "{\"token\":\"abc.def\",\"n\":7,\"nested\":{\"ok\":true,\"list\":[1,null]}}";
    NodeClient.start("connect", url(server), auth).verify(result -> {
      assertThat(result.path("auth")).isEqualTo(readTree(auth));
      assertThat(result.path("whoami")).isEqualTo(result.path("id"));
    });
  }

  // ---- echo and acks ----

  @Test
  void everyJsonValueComesBackUnchangedAloneAndAllInOneEvent() {
    JsonNode values = readTree(ECHO_VALUES);
    NodeClient.start("echo", url(server)).verify(result -> {
      List<JsonNode> expectedSingle = new ArrayList<>();
      values.forEach(value -> expectedSingle.add(JSON.createArrayNode().add(value)));
      assertThat(result.path("single")).containsExactlyElementsOf(expectedSingle);
      assertThat(result.path("multi")).isEqualTo(values);
    });
  }

  @Test
  void acknowledgementsCarryPlainBinaryAndNoArguments() {
    NodeClient.start("ack", url(server)).verify(result -> {
      assertThat(result.path("plain")).isEqualTo(
          readTree("[\"text\", 7, {\"x\": [1, null]}, \"h\\u00e9llo w\\u00f6rld \\u2713 \\u4f60\\u597d \\ud83c\\udf89\"]"));
      assertThat(result.path("binary")).isEqualTo(
          readTree("[{\"$binary\": \"000102ff\"}, {\"nested\": {\"$binary\": \"090807\"}}, \"tail\"]"));
      assertThat(result.path("empty")).isEqualTo(JSON.createArrayNode());
    });
  }

  // ---- binary ----

  @Test
  void binaryTravelsBothWaysByteForByte() throws Exception {
    byte[] allBytes = new byte[256];
    for (int i = 0; i < allBytes.length; i++) {
      allBytes[i] = (byte) i;
    }
    byte[] large = new byte[100_000];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 7 + 3);
    }
    String largeSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(large));

    NodeClient.start("binary", url(server)).verify(result -> {
      assertThat(result.path("buffer")).isEqualTo(
          readTree("[{\"$binary\": \"" + HexFormat.of().formatHex(allBytes) + "\"}]"));
      assertThat(result.path("two")).as("two attachments, Uint8Array and Buffer, in one event").isEqualTo(
          readTree("[{\"name\": \"two\", \"data\": {\"$binary\": \"010203\"}, \"more\": [{\"$binary\": \"616263\"}]}, 5]"));
      assertThat(result.path("empty")).isEqualTo(readTree("[{\"$binary\": \"\"}]"));
      assertThat(result.path("large").path("length").asInt()).isEqualTo(large.length);
      assertThat(result.path("large").path("sha256").asText()).isEqualTo(largeSha256);
    });
  }

  // ---- namespaces ----

  @Test
  void mainAndCustomNamespacesShareOneConnection() {
    String tag = UUID.randomUUID().toString();
    NodeClient client = NodeClient.start("namespaces", url(server), tag);

    String[] serverIds = new String[2];
    await().atMost(SERVER_DEADLINE).until(() -> {
      client.assertRunning();
      Socket main = socketTagged("/", tag);
      Socket custom = socketTagged("/custom", tag);
      if (main == null || custom == null || server.io().clientsCount() != 1) {
        return false;
      }
      serverIds[0] = main.id();
      serverIds[1] = custom.id();
      return true;
    });
    server.io().of("/custom").emit("release");

    client.verify(result -> {
      JsonNode main = result.path("main");
      JsonNode custom = result.path("custom");
      assertThat(main.path("id").asText()).isEqualTo(serverIds[0]);
      assertThat(custom.path("id").asText()).isEqualTo(serverIds[1]);
      assertThat(custom.path("id")).isNotEqualTo(main.path("id"));
      assertThat(result.path("sameManager").asBoolean()).isTrue();
      assertThat(custom.path("engineId").asText()).isNotEmpty().isEqualTo(main.path("engineId").asText());
      assertThat(main.path("auth")).isEqualTo(readTree("{\"ns\": \"main\", \"tag\": \"" + tag + "\"}"));
      assertThat(custom.path("auth")).isEqualTo(readTree("{\"ns\": \"custom\", \"tag\": \"" + tag + "\"}"));
      assertThat(main.path("back")).as("message-back events on /").isEqualTo(readTree("[[\"to-main\"]]"));
      assertThat(custom.path("back")).as("message-back events on /custom").isEqualTo(readTree("[[\"to-custom\"]]"));
      assertThat(custom.path("ack")).isEqualTo(readTree("[\"ack-custom\"]"));
    });
  }

  @Test
  void unknownNamespaceIsRefusedWithInvalidNamespace() {
    NodeClient.start("unknown-namespace", url(server)).verify(result -> {
      assertThat(result.path("message").asText()).isEqualTo("Invalid namespace");
      assertThat(result.path("connected").asBoolean()).isFalse();
    });
  }

  // ---- rooms ----

  @Test
  void roomMessagesReachMembersOnlyAndUserRoomsAreJoinedFromAuth() {
    NodeClient.start("rooms", url(server)).verify(result -> {
      JsonNode alice = result.path("alice");
      JsonNode bob = result.path("bob");
      JsonNode carol = result.path("carol");
      String aliceId = alice.path("id").asText();
      String bobId = bob.path("id").asText();
      String carolId = carol.path("id").asText();
      assertThat(Set.of(aliceId, bobId, carolId)).hasSize(3).doesNotContain("");
      for (JsonNode client : List.of(alice, bob, carol)) {
        assertThat(client.path("whoami")).as("whoami answers the socket id").isEqualTo(client.path("id"));
      }

      assertThat(texts(alice.path("joined"))).containsExactlyElementsOf(sorted(aliceId, "room-1", "user:alice"));
      assertThat(texts(bob.path("joined"))).containsExactlyElementsOf(sorted(bobId, "room-1"));
      assertThat(texts(carol.path("joinedEveryone"))).containsExactlyElementsOf(sorted(carolId, "everyone"));
      assertThat(texts(alice.path("left"))).containsExactlyElementsOf(sorted(aliceId, "everyone", "user:alice"));

      // every step ends with a marker sent to everyone after the message, so a missing message is proven absent
      assertThat(alice.path("received")).isEqualTo(readTree(
          "[[{\"text\": \"hello\", \"n\": 1}], [\"marker-1\"], [\"marker-2\"], [\"direct\"], [\"marker-3\"]]"));
      assertThat(bob.path("received")).isEqualTo(readTree(
          "[[{\"text\": \"hello\", \"n\": 1}], [\"marker-1\"], [\"after-leave\"], [\"marker-2\"], [\"marker-3\"]]"));
      assertThat(carol.path("received")).isEqualTo(readTree("[[\"marker-1\"], [\"marker-2\"], [\"marker-3\"]]"));
    });
  }

  // ---- disconnect reasons as the client reports them ----

  @ParameterizedTest(name = "disconnect(close = {0})")
  @ValueSource(booleans = {false, true})
  void serverSideDisconnectIsReportedAsIoServerDisconnect(boolean close) {
    String tag = UUID.randomUUID().toString();
    NodeClient client = NodeClient.start("disconnect", url(server), tag);
    Socket socket = awaitSocketTagged(server, client, tag);

    socket.disconnect(close);

    client.verify(result -> {
      assertThat(result.path("id").asText()).isEqualTo(socket.id());
      assertThat(result.path("reason").asText()).isEqualTo("io server disconnect");
      assertThat(result.path("active").asBoolean()).as("a client disconnected by the server stays down").isFalse();
    });
  }

  @Test
  void closingTheServerIsReportedAsTransportClose() {
    ConformanceServer own = ConformanceServer.start("127.0.0.1", 0, TIMING, null, transport);
    boolean closed = false;
    try {
      String tag = UUID.randomUUID().toString();
      NodeClient client = NodeClient.start("disconnect", url(own), tag);
      awaitSocketTagged(own, client, tag);

      own.close();
      closed = true;

      client.verify(result -> assertThat(result.path("reason").asText()).isEqualTo("transport close"));
    } finally {
      if (!closed) {
        own.close();
      }
    }
  }

  // ---- the launcher and main ----

  @Test
  void launcherScriptIsExecutable() {
    Path launcher = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "conformance-server");
    assertThat(launcher).exists();
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
  }

  @Test
  void mainPrintsOnlyListeningOnPortAndStopsOnSigterm() throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path stderr = Files.createTempFile("conformance-server", ".stderr");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ConformanceServer.class.getName(), "--port", "0", "--transport", transport.name().toLowerCase(Locale.ROOT))
        .redirectError(stderr.toFile())
        .start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(30, TimeUnit.SECONDS);
      assertThat(line).as("first stdout line; stderr: %s", Files.readString(stderr))
          .matches("listening on [1-9][0-9]*");
      int port = Integer.parseInt(line.substring("listening on ".length()));

      // the port it printed serves Engine.IO: a WebSocket there gets the open packet first
      assertThat(firstWebSocketMessage("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"))
          .startsWith("0{\"sid\":");

      // SIGTERM; ProcessHandle.destroy leaves our end of stdout open (Process.destroy would close it)
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exited within 15 s of SIGTERM").isTrue();
      assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(128 + 15);
      String rest = CompletableFuture.supplyAsync(() -> readRest(stdout)).get(10, TimeUnit.SECONDS);
      assertThat(rest).as("stdout after the listening line").isEmpty();
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  // ---- helpers ----

  private static String url(ConformanceServer target) {
    return "http://127.0.0.1:" + target.port();
  }

  /** The socket of {@code namespace} whose auth payload has {@code tag}, or null. */
  private static Socket socketTagged(String namespace, String tag) {
    return socketTagged(server, namespace, tag);
  }

  private static Socket socketTagged(ConformanceServer target, String namespace, String tag) {
    return target.io().of(namespace).sockets().values().stream()
        .filter(s -> tag.equals(s.handshake().auth().path("tag").asText(null)))
        .findFirst()
        .orElse(null);
  }

  /**
   * The server's socket of the client tagged {@code tag}, once the client has joined the room "connected": the
   * server knowing the socket does not mean its CONNECT reached the client yet.
   */
  private static Socket awaitSocketTagged(ConformanceServer target, NodeClient client, String tag) {
    return await().atMost(SERVER_DEADLINE).until(() -> {
      client.assertRunning();
      return socketTagged(target, "/", tag);
    }, s -> s != null && s.rooms().contains("connected"));
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("bad JSON in test: " + json, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  /** Room lists as the conformance server acks them: sorted. */
  private static List<String> sorted(String... rooms) {
    return new ArrayList<>(new TreeSet<>(List.of(rooms)));
  }

  /** Opens a WebSocket, returns the first text message it receives, and closes it. */
  private static String firstWebSocketMessage(String uri) throws Exception {
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket webSocket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(uri), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              first.complete(text.toString());
            }
            ws.request(1);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            first.completeExceptionally(error);
          }
        })
        .get(10, TimeUnit.SECONDS);
    try {
      return first.get(10, TimeUnit.SECONDS);
    } finally {
      webSocket.abort();
    }
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readRest(BufferedReader reader) {
    return reader.lines().collect(Collectors.joining("\n"));
  }

  /** {@code node clients/conformance.mjs <scenario> <url> [parameter]}, its stdout and stderr in files. */
  private static final class NodeClient {
    private final String scenario;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private NodeClient(String scenario, Process process, Path stdout, Path stderr) {
      this.scenario = scenario;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    static NodeClient start(String scenario, String url, String... params) {
      List<String> command = new ArrayList<>(List.of("node", "clients/conformance.mjs", scenario, url));
      command.addAll(List.of(params));
      try {
        Path out = Files.createTempFile("interop-" + scenario, ".stdout");
        Path err = Files.createTempFile("interop-" + scenario, ".stderr");
        Process process = new ProcessBuilder(command)
            .directory(interopDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        return new NodeClient(scenario, process, out, err);
      } catch (IOException e) {
        throw new AssertionError("cannot start " + command + " (is node on the PATH?)", e);
      }
    }

    /** Fails, with the client's stderr, if the client already exited. */
    void assertRunning() {
      if (!process.isAlive()) {
        fail("node client '" + scenario + "' exited early with status " + process.exitValue() + describe());
      }
    }

    /**
     * Waits for the client to exit, parses its one JSON line and runs the assertions on it; any failure message
     * carries the client's output.
     */
    void verify(Consumer<JsonNode> assertions) {
      JsonNode result;
      try {
        if (!process.waitFor(CLIENT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          fail("node client '" + scenario + "' did not finish within " + CLIENT_DEADLINE + describe());
        }
        if (process.exitValue() != 0) {
          fail("node client '" + scenario + "' failed with status " + process.exitValue() + describe());
        }
        List<String> lines = Files.readAllLines(stdout, UTF_8).stream().filter(l -> !l.isBlank()).toList();
        if (lines.size() != 1) {
          fail("node client '" + scenario + "' printed " + lines.size() + " lines, expected one JSON line"
              + describe());
        }
        result = JSON.readTree(lines.get(0));
      } catch (IOException e) {
        throw new AssertionError("cannot read the output of node client '" + scenario + "'" + describe(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } finally {
        process.destroyForcibly();
      }
      try {
        assertions.accept(result);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + describe(), e);
      } finally {
        deleteQuietly(stdout);
        deleteQuietly(stderr);
      }
    }

    private String describe() {
      return "\n--- client stdout ---\n" + readQuietly(stdout) + "\n--- client stderr ---\n" + readQuietly(stderr);
    }

    private static String readQuietly(Path file) {
      try {
        return Files.readString(file, UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    private static void deleteQuietly(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
