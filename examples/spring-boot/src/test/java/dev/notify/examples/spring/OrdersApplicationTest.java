package dev.notify.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example as a browser uses it: the page and the client bundle, then an order notified over Socket.IO. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OrdersApplicationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).build();
  private Socket socket;

  @LocalServerPort
  int port;

  @Autowired
  NotifyServer io;

  /** The npm packages the build installed (system property notify.interop.dir), as the run script passes them. */
  @DynamicPropertySource
  static void interopDir(DynamicPropertyRegistry registry) {
    registry.add("example.interop-dir", () -> System.getProperty("notify.interop.dir"));
  }

  @AfterEach
  void disconnect() {
    if (socket != null) {
      socket.disconnect();
      socket.io().off();
    }
  }

  @Test
  void thePageLoadsTheSocketIoClientItIsServed() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script src=\"/socket.io.min.js\"></script>");
    HttpResponse<String> bundle = get("/socket.io.min.js");
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.body()).contains("Socket.IO v4");
  }

  @Test
  void anOrderPostedByTheUserComesBackAsANotification() throws Exception {
    BlockingQueue<JSONObject> notifications = new LinkedBlockingQueue<>();
    socket = connect("ada", notifications);
    // the room is joined by the connection handler, which may run just after the client hears it is connected
    await().atMost(DEADLINE).until(() -> io.of("/").sockets().values().stream()
        .anyMatch(s -> s.rooms().contains("user:ada")));

    HttpResponse<String> order = http.send(HttpRequest.newBuilder(uri("/orders"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("user=ada&item=tea"))
        .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(order.statusCode()).isEqualTo(200);

    JSONObject notification = notifications.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(notification).as("notification within " + DEADLINE).isNotNull();
    assertThat(notification.getString("text")).isEqualTo("Order placed: tea");
    assertThat(order.body()).contains(notification.getString("id"));
  }

  @Test
  void aConnectionWithoutAUserIsRefused() throws Exception {
    CompletableFuture<Object> error = new CompletableFuture<>();
    socket = IO.socket(uri("/"), IO.Options.builder().setForceNew(true).setReconnection(false).build());
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
    socket.connect();
    assertThat(error.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).toString()).contains("auth.user is required");
  }

  /** The official Java client, signed in as {@code user} and connected (polling, then WebSocket). */
  private Socket connect(String user, BlockingQueue<JSONObject> notifications) throws Exception {
    Socket client = IO.socket(uri("/"), IO.Options.builder()
        .setForceNew(true).setReconnection(false).setAuth(Map.of("user", user)).build());
    client.on("notification", args -> notifications.add((JSONObject) args[0]));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    client.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    client.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("connect_error: " + args[0])));
    client.connect();
    connected.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    return client;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(DEADLINE).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
