package dev.notify.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.NotifyServer;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the standalone server's HTTP side, with raw sockets, while a polling client and a WebSocket client
 * keep exchanging events: slow or idle connections are closed at their deadline, slow request bodies hold no
 * thread, and browser requests from a re-pointed host name are refused.
 */
class HttpAttacksIT {

  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
  private static final int WORKERS = 4;
  /** The deadlines are swept once a second; on a loaded machine allow a few more. */
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<java.net.Socket> raw = new ArrayList<>();
  private final List<Socket> clients = new ArrayList<>();
  private NotifyServer io;
  private NotifyStandalone server;
  private ScheduledExecutorService trickle;

  @BeforeEach
  void start() {
    io = NotifyServer.builder().build();
    io.onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    server = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).requestHeadTimeout(HEAD_TIMEOUT)
        .requestBodyTimeout(BODY_TIMEOUT).httpWorkerThreads(WORKERS).start();
    clients.add(connect("polling"));
    clients.add(connect("websocket"));
  }

  @AfterEach
  void stop() throws IOException {
    if (trickle != null) {
      trickle.shutdownNow();
    }
    for (java.net.Socket socket : raw) {
      socket.close();
    }
    clients.forEach(Socket::close);
    io.close();
    server.close();
  }

  @Test
  void connectionsTricklingTheirHeadersAreClosedAtTheHeadDeadline() throws Exception {
    for (int i = 0; i < 200; i++) {
      open().getOutputStream().write("G".getBytes(StandardCharsets.US_ASCII));
    }
    trickle = Executors.newSingleThreadScheduledExecutor();
    trickle.scheduleAtFixedRate(() -> raw.forEach(socket -> {
      try {
        socket.getOutputStream().write('E');
      } catch (IOException closed) {
        // closed by the server: what the test waits for
      }
    }), 500, 500, TimeUnit.MILLISECONDS);

    assertAllClosedByTheServer();
    assertClientsUnhurt();
  }

  @Test
  void connectionsThatSendNothingAreClosedAtTheHeadDeadline() throws Exception {
    for (int i = 0; i < 200; i++) {
      open();
    }

    assertAllClosedByTheServer();
    assertClientsUnhurt();
  }

  @Test
  void slowRequestBodiesAreClosedAtTheBodyDeadlineAndHoldNoWorkerThread() throws Exception {
    for (int i = 0; i < 100; i++) {
      String sid = handshake();
      OutputStream out = open().getOutputStream();
      out.write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n4").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    // 100 bodies in progress against 4 worker threads: requests still get served
    assertClientsUnhurt();
    assertThat(threadsNamed("notify-http(")).as("HTTP worker threads").isLessThanOrEqualTo(WORKERS);

    assertAllClosedByTheServer();
    assertClientsUnhurt();
  }

  @Test
  void aBrowserPageUnderAHostNameReDirectedToTheServerIsRefused() throws Exception {
    String evil = "evil.example:" + server.port();
    HttpResponse<String> polling = http.send(HttpRequest.newBuilder(endpoint("transport=polling"))
        .header("Origin", "http://" + evil).build(), HttpResponse.BodyHandlers.ofString());
    // the JDK client will not forge Host; a raw request does, as a browser fooled by DNS rebinding would send it
    String rawAnswer = rawRequest("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: " + evil
        + "\r\nOrigin: http://" + evil + "\r\nConnection: close\r\n\r\n");

    assertThat(polling.statusCode()).isEqualTo(403);
    assertThat(rawAnswer).startsWith("HTTP/1.1 403").contains("{\"code\":4,\"message\":\"Forbidden\"}");
    assertClientsUnhurt();
  }

  @Test
  void malformedPathsGetAClearAnswerAndOtherPathsNone() throws Exception {
    String traversal = rawRequest("GET /socket.io/../../etc/passwd?EIO=4&transport=polling HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
    HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/other/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> below = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/socket.io/deeper?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(traversal).startsWith("HTTP/1.1 400");
    assertThat(elsewhere.statusCode()).isEqualTo(404);
    assertThat(below.statusCode()).isEqualTo(404);
    assertClientsUnhurt();
  }

  // ---- helpers ----

  private java.net.Socket open() throws IOException {
    java.net.Socket socket = new java.net.Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    raw.add(socket);
    return socket;
  }

  /** Every raw connection reads its end: the server closed it (nothing answered, or a reset). */
  private void assertAllClosedByTheServer() throws Exception {
    long deadline = System.nanoTime() + CLOSED_WITHIN.toNanos();
    for (java.net.Socket socket : raw) {
      int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      socket.setSoTimeout(left);
      InputStream in = socket.getInputStream();
      try {
        while (in.read() != -1) {
          // an error answer may come before the close
        }
      } catch (java.net.SocketTimeoutException e) {
        throw new AssertionError("a connection was still open " + CLOSED_WITHIN + " after the attack began");
      } catch (IOException reset) {
        // closed with a reset: closed all the same
      }
    }
  }

  private String handshake() throws Exception {
    HttpResponse<String> open = http.send(HttpRequest.newBuilder(endpoint("transport=polling")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(open.statusCode()).isEqualTo(200);
    return JSON.readTree(open.body().substring(1)).get("sid").textValue();
  }

  private String rawRequest(String request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private URI endpoint(String query) {
    return URI.create("http://127.0.0.1:" + server.port() + "/socket.io/?EIO=4&" + query);
  }

  private Socket connect(String transport) {
    IO.Options options = IO.Options.builder().setTransports(new String[] {transport}).setReconnection(false)
        .setForceNew(true).build();
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + server.port()), options);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.connect();
    connected.orTimeout(10, TimeUnit.SECONDS).join();
    return socket;
  }

  private void assertClientsUnhurt() {
    for (Socket client : clients) {
      CompletableFuture<Object[]> reply = new CompletableFuture<>();
      client.emit("echo", new Object[] {"still here"}, reply::complete);
      assertThat(reply.orTimeout(10, TimeUnit.SECONDS).join()).containsExactly("still here");
      assertThat(client.connected()).isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> io.clientsCount() >= clients.size());
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
  }
}
