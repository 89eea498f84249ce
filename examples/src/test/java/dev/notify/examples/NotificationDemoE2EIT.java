package dev.notify.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.StoredNotification;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The notification demo end to end: the demo runs in-process on free ports with the test Redis (REDIS_URL, else
 * redis://127.0.0.1:6379, else an embedded one), under a key prefix of its own; {@code interop/clients/demo-e2e.mjs}
 * drives its page in headless Chromium ({@code /usr/bin/chromium}, through playwright-core) with two tabs of one
 * user, on node 1 and node 2. Without Chromium the browser test is skipped; the rest (the web server's endpoints,
 * the main's lifecycle) runs anyway.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class NotificationDemoE2EIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration BROWSER_DEADLINE = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static Path interopDir;
  private static String key;
  private static NotificationDemo demo;

  @BeforeAll
  static void startDemo() {
    String dir = System.getProperty("notify.interop.dir");
    if (dir == null) {
      fail("system property notify.interop.dir is not set (the parent pom sets it for failsafe)");
    }
    interopDir = Path.of(dir);
    key = "demo-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    demo = NotificationDemo.start(new NotificationDemo.Options(0, testRedisUrl(), key, interopDir));
  }

  @AfterAll
  static void stopDemo() {
    if (demo == null) {
      return;
    }
    String redisUrl = demo.redisUrl();
    demo.close();
    deleteKeys(redisUrl, key);
  }

  @Test
  void anOrderNotificationAppearsInTwoTabsOnTwoNodesAndReadingItInOneClearsTheBadgeInBoth() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": the browser test is skipped (install it with "
        + "`apt-get install -y chromium chromium-driver`, as .ci/run does)");
    assertThat(interopDir.resolve("node_modules/playwright-core")).as("playwright-core installed: run `npm ci` in %s",
        interopDir).isDirectory();
    String user = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

    JsonNode result = runBrowser(user);

    String sentId = result.path("sentId").asText();
    assertThat(sentId).as("the id the order service answered, shown in tab 1").isNotEmpty();
    for (String tab : List.of("tab1", "tab2")) {
      String node = tab.equals("tab1") ? "node 1" : "node 2";
      int port = demo.nodePorts().get(tab.equals("tab1") ? 0 : 1);

      JsonNode start = result.path("start").path(tab);
      assertThat(start.path("state").asText()).as("%s connection state", tab).isEqualTo("connected");
      assertThat(start.path("node").asText()).as("%s node", tab).isEqualTo(node + " (port " + port + ")");
      assertThat(start.path("user").asText()).isEqualTo(user);
      assertThat(start.path("badge").asText()).as("%s badge before", tab).isEqualTo("0");
      assertThat(start.path("items")).as("%s list before", tab).isEmpty();

      JsonNode delivered = result.path("delivered").path(tab);
      assertThat(delivered.path("badge").asText()).as("%s badge once delivered", tab).isEqualTo("1");
      assertThat(delivered.path("items")).as("%s list once delivered", tab).hasSize(1);
      JsonNode item = delivered.path("items").path(0);
      assertThat(item.path("id").asText()).isEqualTo(sentId);
      assertThat(item.path("status").asText()).isEqualTo("unread");
      assertThat(item.path("title").asText()).matches("Order #\\d+ shipped");

      JsonNode read = result.path("read").path(tab);
      assertThat(read.path("badge").asText()).as("%s badge after the read in tab 1", tab).isEqualTo("0");
      assertThat(read.path("items")).hasSize(1);
      assertThat(read.path("items").path(0).path("id").asText()).isEqualTo(sentId);
      assertThat(read.path("items").path(0).path("status").asText()).isEqualTo("read");
    }
    assertThat(result.path("problems")).as("page errors and console errors").isEmpty();

    // what the tabs showed is what the shared store holds, seen from node 2 and from the order service
    InboxPage inbox = demo.nodeService(2).inbox(user, null, 10).get(10, TimeUnit.SECONDS);
    assertThat(inbox.items()).extracting(n -> n.id().toString()).containsExactly(sentId);
    StoredNotification stored = inbox.items().get(0);
    assertThat(stored.status()).isEqualTo(NotificationStatus.READ);
    assertThat(stored.type()).isEqualTo("order");
    assertThat(demo.orderService().unreadCount(user).get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void theWebServerServesThePageTheConfigAndTheSocketIoClient() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("data-testid=\"unread-badge\"", "socket.io.min.js", "app.js");
    assertThat(get("/app.js").body()).contains("notification:read-sync");
    assertThat(get("/style.css").statusCode()).isEqualTo(200);

    JsonNode config = JSON.readTree(get("/config").body());
    assertThat(config.path("nodes")).hasSize(2);
    assertThat(config.path("nodes").path(0).path("name").asText()).isEqualTo("1");
    assertThat(config.path("nodes").path(0).path("port").asInt()).isEqualTo(demo.nodePorts().get(0));
    assertThat(config.path("nodes").path(1).path("port").asInt()).isEqualTo(demo.nodePorts().get(1));

    HttpResponse<String> client = get("/socket.io.min.js");
    assertThat(client.statusCode()).as("the bundle from %s", interopDir).isEqualTo(200);
    assertThat(client.body()).startsWith("/*!\n * Socket.IO v4.8.4");

    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    assertThat(get("/demo/index.html").statusCode()).as("only the page's own paths").isEqualTo(404);
  }

  @Test
  void metricsOfBothNodesArePublishedInThePrometheusFormat() throws Exception {
    String user = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
    IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"}).setReconnection(false)
        .setAuth(java.util.Map.of("token", user)).build();
    Socket client = IO.socket(URI.create("http://127.0.0.1:" + demo.nodePorts().get(1)), options);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    client.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    client.connect();
    try {
      connected.get(10, TimeUnit.SECONDS);
      // an event from the client, and an order: the order service's wake-up reaches the nodes through Redis
      CompletableFuture<Object> inbox = new CompletableFuture<>();
      client.emit("notification:inbox", new Object[] {new org.json.JSONObject()},
          (io.socket.client.Ack) answer -> inbox.complete(answer[0]));
      inbox.get(10, TimeUnit.SECONDS);
      assertThat(post("application/json", "{\"user\":\"" + user + "\"}").statusCode()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(20)).until(() -> get("/metrics").body()
          .contains("notify_cluster_messages_total{direction=\"in\""));
      HttpResponse<String> metrics = get("/metrics");

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      Matcher sockets = Pattern.compile("(?m)^notify_sockets\\{namespace=\"/\"} (\\S+)$").matcher(metrics.body());
      assertThat(sockets.find()).as(metrics.body()).isTrue();
      assertThat(Double.parseDouble(sockets.group(1))).isGreaterThanOrEqualTo(1);
      assertThat(metrics.body()).contains("notify_connections_opened_total{transport=\"websocket\"}",
          "notify_handler_wait_seconds_count{namespace=\"/\"}", "notify_events_received_total{namespace=\"/\"}");
    } finally {
      client.close();
    }
  }

  @Test
  void postOrdersNotifiesTheUserThroughTheOrderServiceAndRefusesBadRequests() throws Exception {
    String user = "orders-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> shipped = post("application/json", "{\"user\":\"" + user + "\"}");

    assertThat(shipped.statusCode()).as(shipped.body()).isEqualTo(201);
    JsonNode answer = JSON.readTree(shipped.body());
    assertThat(answer.path("user").asText()).isEqualTo(user);
    InboxPage inbox = demo.nodeService(1).inbox(user, null, 10).get(10, TimeUnit.SECONDS);
    assertThat(inbox.items()).extracting(n -> n.id().toString()).containsExactly(answer.path("id").asText());
    assertThat(inbox.items().get(0).title()).isEqualTo("Order #" + answer.path("order").asInt() + " shipped");

    assertThat(post("application/x-www-form-urlencoded", "user=" + user).statusCode()).as("not JSON")
        .isEqualTo(415);
    assertThat(post("application/json", "{\"user\":\"no spaces\"}").statusCode()).isEqualTo(400);
    assertThat(post("application/json", "{\"user\":").statusCode()).isEqualTo(400);
    assertThat(post("application/json", "{}").statusCode()).isEqualTo(400);
    assertThat(get("/orders").statusCode()).isEqualTo(405);
    assertThat(demo.orderService().inbox(user, null, 10).get(10, TimeUnit.SECONDS).items())
        .as("nothing more stored for the user").hasSize(1);
  }

  @Test
  void launcherScriptIsExecutable() {
    Path launcher = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "notification-demo");
    assertThat(launcher).exists();
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
  }

  @Test
  void mainPrintsOneLineWithTheUrlToOpenAndStopsOnSigterm() throws Exception {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String ownKey = key + "-main";
    Path stderr = Files.createTempFile("notification-demo", ".stderr");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        NotificationDemo.class.getName(), "--port", "0", "--redis", demo.redisUrl(), "--key", ownKey,
        "--interop", interopDir.toString())
        .redirectError(stderr.toFile())
        .start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(60, TimeUnit.SECONDS);
      Matcher ready = Pattern.compile("Notification demo ready: open (http://127\\.0\\.0\\.1:([0-9]+)/)"
          + "\\?user=alice&node=1 and, in another tab, \\1\\?user=alice&node=2 \\(Ctrl\\+C stops it\\)")
          .matcher(String.valueOf(line));
      assertThat(ready.matches()).as("first stdout line: %s; stderr: %s", line, Files.readString(stderr)).isTrue();

      HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(ready.group(1))).GET()
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);

      // SIGTERM; ProcessHandle.destroy leaves our end of stdout open (Process.destroy would close it)
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM").isTrue();
      assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(128 + 15);
      String rest = CompletableFuture.supplyAsync(() -> readRest(stdout)).get(10, TimeUnit.SECONDS);
      assertThat(rest).as("stdout after the ready line").isEmpty();
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
      deleteKeys(demo.redisUrl(), ownKey);
    }
  }

  // ---- helpers ----

  /** Runs {@code node clients/demo-e2e.mjs <url> <user>} and returns its one JSON line. */
  private static JsonNode runBrowser(String user) throws Exception {
    Path out = Files.createTempFile("demo-e2e", ".stdout");
    Path err = Files.createTempFile("demo-e2e", ".stderr");
    List<String> command = new ArrayList<>(List.of("node", "clients/demo-e2e.mjs", demo.url(), user));
    Process process = new ProcessBuilder(command)
        .directory(interopDir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    try {
      if (!process.waitFor(BROWSER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("demo-e2e.mjs did not finish within " + BROWSER_DEADLINE + describe(out, err));
      }
      if (process.exitValue() != 0) {
        fail("demo-e2e.mjs failed with status " + process.exitValue() + describe(out, err));
      }
      List<String> lines = Files.readAllLines(out, UTF_8).stream().filter(l -> !l.isBlank()).toList();
      if (lines.size() != 1) {
        fail("demo-e2e.mjs printed " + lines.size() + " lines, expected one JSON line" + describe(out, err));
      }
      return JSON.readTree(lines.get(0));
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String describe(Path out, Path err) throws IOException {
    return "\n--- stdout ---\n" + Files.readString(out, UTF_8) + "\n--- stderr ---\n" + Files.readString(err, UTF_8);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(demo.url()).resolve(path)).GET()
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String contentType, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(demo.url()).resolve("/orders"))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String testRedisUrl() {
    String env = System.getenv("REDIS_URL");
    return env != null && !env.isBlank() ? env : NotificationDemo.DEFAULT_REDIS_URL;
  }

  /** Removes what the demo left in a shared Redis under {@code prefix} (its inboxes and queues). */
  private static void deleteKeys(String redisUrl, String prefix) {
    if (!DemoRedis.answersPing(URI.create(redisUrl))) {
      return;                                        // the demo's embedded Redis, gone with it
    }
    try (Jedis jedis = new Jedis(URI.create(redisUrl), 5000)) {
      ScanParams match = new ScanParams().match("{" + prefix + ":*").count(500);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, match);
        if (!page.getResult().isEmpty()) {
          jedis.del(page.getResult().toArray(new String[0]));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
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
    try {
      StringBuilder rest = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        rest.append(line).append('\n');
      }
      return rest.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
