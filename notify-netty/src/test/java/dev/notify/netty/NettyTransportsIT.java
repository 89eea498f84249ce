package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NotifyNetty with the real Java client on each transport, two servers on two paths (one running its handlers on the
 * event loops), its payload limits enforced before buffering, and its close.
 */
class NettyTransportsIT {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final int MAX_PAYLOAD = 1000;

  private NotifyServer chat;
  private NotifyServer admin;
  private NotifyNetty netty;

  @BeforeEach
  void start() {
    chat = NotifyServer.builder().path("/chat/").maxPayload(MAX_PAYLOAD).build();
    // admin runs its handlers on Netty's event loops (handlers that never block may): every transport must work so too
    admin = NotifyServer.builder().path("/admin/").executor(Runnable::run).build();
    chat.onConnection(socket -> socket.on("echo", (args, ack) -> ack.send("chat", args.get(0))));
    admin.onConnection(socket -> socket.on("echo", (args, ack) -> ack.send("admin", args.get(0))));
    netty = NotifyNetty.builder().port(0).add(chat).add(admin).start();
  }

  @AfterEach
  void stop() {
    netty.close();
    chat.close();
    admin.close();
  }

  @ParameterizedTest(name = "transports {0}")
  @ValueSource(strings = {"websocket", "polling", "polling,websocket"})
  void eachServerAnswersOnItsOwnPathOverEveryTransport(String transports) {
    try (JavaClient toChat = connect("/chat/", transports); JavaClient toAdmin = connect("/admin/", transports)) {
      if (transports.equals("polling,websocket")) {
        toChat.awaitTransport("websocket");
      }
      assertThat(toChat.call("echo", "h\u00e9llo \u2713")).containsExactly("chat", "h\u00e9llo \u2713");
      assertThat(toAdmin.call("echo", 42)).containsExactly("admin", 42);
    }
  }

  @Test
  void aWebSocketUpgradeThatBreaksTheSpecIsRefusedWithItsHttpErrorBeforeUpgrading() {
    assertThat(refusedUpgrade("/chat/?EIO=3&transport=websocket")).isEqualTo(
        "400 {\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertThat(refusedUpgrade("/chat/?EIO=4&transport=websocket&sid=nope")).isEqualTo(
        "400 {\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(refusedUpgrade("/chat/elsewhere?EIO=4&transport=websocket")).isEqualTo("404 not found");
    assertThat(chatSessions()).isZero();
  }

  @Test
  void aWebSocketMessageOverMaxPayloadClosesTheConnectionWith1009() throws Exception {
    WebSocketRecorder whole = WebSocketRecorder.open(netty.port());
    whole.ws.sendText("4" + "x".repeat(MAX_PAYLOAD), true);
    assertThat(whole.closeCode()).isEqualTo(1009);

    // in parts, each under the limit: refused as soon as they add up to more
    WebSocketRecorder parts = WebSocketRecorder.open(netty.port());
    parts.ws.sendText("4" + "x".repeat(600), false).join();
    parts.ws.sendText("y".repeat(600), false);
    assertThat(parts.closeCode()).isEqualTo(1009);
    await().atMost(DEADLINE).until(() -> chatSessions() == 0);
  }

  @Test
  void aChunkedPostOverMaxPayloadIsRefusedWith413() throws Exception {
    String sid = openPollingSession();
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", netty.port()));
      socket.setSoTimeout((int) DEADLINE.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("POST /chat/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 4; i++) {
        out.write(("190\r\n" + "4".repeat(0x190) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 413 ");
    }
    await().atMost(DEADLINE).until(() -> chatSessions() == 0);
  }

  @Test
  void closeEndsEveryConnectionWithGoingAwayAndStopsListening() {
    WebSocketRecorder client = WebSocketRecorder.open(netty.port());
    await().atMost(DEADLINE).until(() -> chat.clientsCount() == 1);

    netty.close();
    netty.close();

    assertThat(client.closeCode()).as("close code: going away").isEqualTo(1001);
    assertThat(chat.clientsCount()).isZero();
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", netty.port()), 2000);
      throw new AssertionError("still listening");
    } catch (IOException expected) {
      // refused: nothing listens any more
    }
  }

  private JavaClient connect(String path, String transports) {
    return JavaClient.connect("http://127.0.0.1:" + netty.port(), path, null, transports.split(","));
  }

  private int chatSessions() {
    return chat.of("/").sockets().size();
  }

  private String openPollingSession() throws Exception {
    java.net.http.HttpResponse<String> open = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + netty.port() + "/chat/?EIO=4&transport=polling")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    String body = open.body();
    return body.substring(body.indexOf("\"sid\":\"") + 7, body.indexOf('"', body.indexOf("\"sid\":\"") + 7));
  }

  /** The status and body of a refused WebSocket handshake. */
  private String refusedUpgrade(String pathAndQuery) {
    try {
      HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + netty.port() + pathAndQuery), new WebSocket.Listener() {
          }).join().abort();
      throw new AssertionError("upgraded: " + pathAndQuery);
    } catch (java.util.concurrent.CompletionException e) {
      WebSocketHandshakeException refused = (WebSocketHandshakeException) e.getCause();
      return refused.getResponse().statusCode() + " " + refused.getResponse().body();
    }
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\r') {
      line.append((char) b);
    }
    return line.toString();
  }

  /** A JDK WebSocket on the chat server that records how the server closed it. */
  private record WebSocketRecorder(WebSocket ws, CompletableFuture<Integer> closed) {

    static WebSocketRecorder open(int port) {
      CompletableFuture<Integer> closed = new CompletableFuture<>();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/?EIO=4&transport=websocket"),
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                  closed.complete(statusCode);
                  return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                  closed.completeExceptionally(error);
                }
              })
          .join();
      return new WebSocketRecorder(ws, closed);
    }

    int closeCode() {
      return closed.orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).join();
    }
  }
}
