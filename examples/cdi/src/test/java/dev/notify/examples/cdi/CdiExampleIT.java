package dev.notify.examples.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.startup.Tomcat;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CDI example as {@code ./examples/cdi/run} starts it: its page is served, and a notification posted to its
 * service bean reaches the Java and the npm Socket.IO clients, and the page in headless Chromium (skipped without
 * {@code /usr/bin/chromium}).
 */
class CdiExampleIT {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  /** Chromium's start and the page's three waits, on a loaded machine. */
  private static final Duration BROWSER_DEADLINE = Duration.ofSeconds(120);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(DEADLINE).build();

  private static Path interop;
  private static Tomcat app;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    interop = Path.of(System.getProperty("notify.interop.dir"));
    app = CdiExample.start(0, interop);
    port = app.getConnector().getLocalPort();
  }

  @AfterAll
  static void stop() {
    CdiExample.stop(app);
  }

  @Test
  void thePageAndItsSocketIoClientAreServed() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"socket.io.min.js\"></script>");
    HttpResponse<String> client = get("/socket.io.min.js");
    assertThat(client.statusCode()).isEqualTo(200);
    assertThat(client.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("text/javascript"));
  }

  @ParameterizedTest(name = "Java client, {0} transports")
  @ValueSource(strings = {"default", "websocket"})
  void aPostedNotificationReachesTheJavaClient(String mode) throws Exception {
    IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).build();
    if (mode.equals("websocket")) {
      options.transports = new String[] {"websocket"};
    }
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port), options);
    BlockingQueue<JSONObject> received = new LinkedBlockingQueue<>();
    CompletableFuture<Object> welcomed = new CompletableFuture<>();
    socket.on("notification", args -> received.add((JSONObject) args[0]));
    socket.once("welcome", args -> welcomed.complete(args[0]));
    socket.connect();
    try {
      assertThat(welcomed.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(socket.id());
      String text = "for java " + UUID.randomUUID();
      assertThat(post(text).statusCode()).isEqualTo(202);
      JSONObject notification = received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(notification).as("a notification within %s", DEADLINE).isNotNull();
      assertThat(notification.getString("text")).isEqualTo(text);
      assertThat(notification.getString("sentAt")).isNotBlank();
    } finally {
      socket.disconnect();
      socket.io().off();
    }
  }

  @ParameterizedTest(name = "npm socket.io-client, {0} transports")
  @ValueSource(strings = {"default", "websocket"})
  void aPostedNotificationReachesTheNpmClient(String mode) throws Exception {
    Path out = Files.createTempFile("cdi-example-node", ".out");
    Path err = Files.createTempFile("cdi-example-node", ".err");
    Process node = new ProcessBuilder("node", "clients/cdi-client.mjs", "http://127.0.0.1:" + port, "/socket.io/",
        mode, "welcome", "notification")
        .directory(interop.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      await().atMost(DEADLINE).until(() -> Files.readString(out).startsWith("joined\n") || !node.isAlive());
      assertThat(Files.readString(out)).as("stderr: %s", Files.readString(err)).startsWith("joined\n");
      String text = "for node " + UUID.randomUUID();
      assertThat(post(text).statusCode()).isEqualTo(202);
      assertThat(node.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("node exits").isTrue();
      assertThat(node.exitValue()).as("stderr: %s", Files.readString(err)).isZero();
      String stdout = Files.readString(out).strip();
      JsonNode observed = new ObjectMapper().readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
      assertThat(observed.path("received").path("text").asText()).isEqualTo(text);
      assertThat(observed.path("finalTransport").asText()).isEqualTo("websocket");
    } finally {
      node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void aNotificationSentFromThePageReachesThePageThroughTheServiceBean() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": the browser test is skipped (install it with "
        + "`apt-get install -y chromium chromium-driver`, as .ci/run does)");
    String text = "from the browser " + UUID.randomUUID();
    Path out = Files.createTempFile("cdi-example-browser", ".out");
    Path err = Files.createTempFile("cdi-example-browser", ".err");
    Process browser = new ProcessBuilder("node", "clients/cdi-example-browser.mjs", "http://127.0.0.1:" + port + "/",
        text).directory(interop.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertThat(browser.waitFor(BROWSER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).as("the browser script ends")
          .isTrue();
      assertThat(browser.exitValue()).as("stderr: %s", Files.readString(err)).isZero();
      JsonNode shown = new ObjectMapper().readTree(Files.readString(out));
      assertThat(shown.path("status").asText()).startsWith("connected as ");
      assertThat(shown.path("items").path(0).asText()).startsWith(text);
      assertThat(shown.path("problems")).as("page and console errors").isEmpty();
    } finally {
      browser.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void anEmptyNotificationIsRefused() throws Exception {
    assertThat(post(" ").statusCode()).isEqualTo(400);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(DEADLINE).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String text) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notifications"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("text=" + java.net.URLEncoder.encode(text,
            java.nio.charset.StandardCharsets.UTF_8)))
        .timeout(DEADLINE)
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
