package dev.notify.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.testlog.LogRecords;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.event.Level;

/**
 * Bad input from one client: the server closes that connection only, logs one line with the reason, keeps no
 * state for it, and a well-behaved client connected at the same time goes on working.
 *
 * <p>The offender is a raw WebSocket (the JDK's client) speaking Engine.IO/Socket.IO by hand; the well-behaved
 * client is the real Java Socket.IO client.
 */
@DisplayName("Bad input closes only the offending connection")
class BadInputIT {

  private static final int MAX_PAYLOAD = 10_000;
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How the reason of a frame too large reads: ours, or the container's when it refused the frame first. */
  private static final String TOO_LARGE = "exceeds maxPayload";

  /** WebSocket close codes the server uses. */
  private static final int PROTOCOL_ERROR = 1002;
  private static final int TOO_BIG = 1009;

  private final Map<String, DisconnectReason> serverDisconnects = new ConcurrentHashMap<>();
  private final List<Object> goodClientDisconnects = new CopyOnWriteArrayList<>();
  private NotifyServer io;
  private NotifyStandalone http;
  private Socket good;
  private RawClient offender;

  @AfterEach
  void stop() {
    if (good != null) {
      good.close();
    }
    if (offender != null) {
      offender.abort();
    }
    if (io != null) {
      io.close();
    }
    if (http != null) {
      http.close();
    }
  }

  static Stream<Arguments> badFrames() {
    String bigText = "42[\"x\",\"" + "a".repeat(MAX_PAYLOAD) + "\"]";
    return Stream.of(
        parseError("unknown Socket.IO packet type", List.of("49"), "unknown Socket.IO packet type '9'"),
        parseError("unknown Engine.IO packet type", List.of("9"), "unknown Engine.IO packet type '9'"),
        parseError("empty Socket.IO packet", List.of("4"), "empty Socket.IO packet"),
        parseError("invalid JSON", List.of("42[\"x\","), "invalid payload"),
        parseError("trailing garbage after the JSON", List.of("42[\"x\"]garbage"), "invalid payload"),
        // like the reference parser: an ack id is digits, so "abc" starts the (then invalid) JSON payload
        parseError("ack id that is not a number", List.of("42abc[\"x\"]"), "invalid payload"),
        parseError("ack id of 16 digits", List.of("421234567890123456[\"x\"]"), "invalid ack id"),
        parseError("acknowledgement without ack id", List.of("43[\"x\"]"), "invalid ack id"),
        parseError("event payload that is an object", List.of("42{}"), "invalid payload"),
        parseError("event payload that is a string", List.of("42\"x\""), "invalid payload"),
        parseError("event payload that is an empty array", List.of("42[]"), "invalid payload"),
        parseError("reserved event name", List.of("42[\"disconnect\"]"), "reserved event name"),
        parseError("one attachment announced, two placeholders",
            List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
            "illegal attachments"),
        parseError("two attachments announced, one placeholder",
            List.of("452-[\"x\",{\"_placeholder\":true,\"num\":0}]"), "illegal attachments"),
        parseError("a text packet where an announced attachment was due",
            List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0}]", "42[\"y\"]"), "expected binary attachment"),
        parseError("binary frame without announcement", List.of(new byte[] {1, 2, 3}), "unexpected binary data"),
        parseError("event for a namespace the client did not join", List.of("42/admin,[\"x\"]"),
            "not connected to"),
        parseError("second CONNECT to the same namespace", List.of("40"), "second CONNECT"),
        arguments("text frame larger than maxPayload", List.of(bigText), DisconnectReason.TRANSPORT_ERROR,
            "exceeds maxPayload"),
        // maxPayload counts bytes: 5,100 two-byte characters are 10,200 bytes of UTF-8
        arguments("text frame of fewer characters but more UTF-8 bytes than maxPayload",
            List.of("42[\"x\",\"" + "\u00e9".repeat(MAX_PAYLOAD / 2 + 100) + "\"]"), DisconnectReason.TRANSPORT_ERROR,
            "exceeds maxPayload"),
        arguments("binary frame larger than maxPayload",
            List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0}]", new byte[MAX_PAYLOAD + 1]),
            DisconnectReason.TRANSPORT_ERROR, "exceeds maxPayload"),
        // far past it too: refused from the frame's header, before anything of it is buffered
        arguments("text frame far larger than maxPayload",
            List.of("42[\"x\",\"" + "a".repeat(MAX_PAYLOAD * 3) + "\"]"), DisconnectReason.TRANSPORT_ERROR,
            TOO_LARGE),
        arguments("binary frame far larger than maxPayload",
            List.of("451-[\"x\",{\"_placeholder\":true,\"num\":0}]", new byte[MAX_PAYLOAD * 3]),
            DisconnectReason.TRANSPORT_ERROR, TOO_LARGE));
  }

  private static Arguments parseError(String name, List<Object> frames, String detailPattern) {
    return arguments(name, frames, DisconnectReason.PARSE_ERROR, detailPattern);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  void badFrameClosesOnlyTheOffenderAndLogsOneLine(String name, List<Object> frames, DisconnectReason reason,
      String detailPattern) throws Exception {
    start(Duration.ofSeconds(10));
    connectGoodClient();
    long mark = LogRecords.mark();

    offender = RawClient.connect(http.port());
    String sid = offender.awaitOpen();
    String socketId = offender.connectToMainNamespace();
    await().atMost(DEADLINE).until(() -> io.clientsCount() == 2);

    for (Object frame : frames) {
      offender.send(frame);
    }

    RawClient.Close close = offender.awaitClosedByServer();
    assertThat(close.code()).as("close code").isIn(reason == DisconnectReason.PARSE_ERROR
        ? List.of(PROTOCOL_ERROR) : List.of(TOO_BIG));
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(serverDisconnects).containsEntry(socketId, reason));

    assertNoStateLeftFor(socketId);
    assertGoodClientUndisturbed();
    assertOneLogLine(mark, sid, reason.text(), detailPattern);
  }

  @Test
  void textFrameOfExactlyMaxPayloadBytesIsAccepted() throws Exception {
    start(Duration.ofSeconds(10));
    offender = RawClient.connect(http.port());
    String sid = offender.awaitOpen();
    offender.connectToMainNamespace();
    long mark = LogRecords.mark();

    // 12 + 2 bytes of frame around 4,000 two-byte and 1,986 one-byte characters: 10,000 bytes
    String text = "\u00e9".repeat(4_000) + "a".repeat(1_986);
    String frame = "421[\"echo\",\"" + text + "\"]";
    assertThat(frame.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_PAYLOAD);
    offender.send(frame);

    assertThat(offender.next()).isEqualTo("431[\"" + text + "\"]");
    assertThat(offender.closed).isNotDone();
    // routine DEBUG lines (the CONNECT being logged after its answer went out) may follow the mark
    assertThat(LogRecords.since(mark)).filteredOn(e -> e.atLeast(Level.INFO) && e.message().contains("sid=" + sid))
        .isEmpty();
  }

  @Test
  void clientThatNeverSendsConnectIsClosedAfterConnectTimeout() throws Exception {
    Duration connectTimeout = Duration.ofSeconds(2);
    start(connectTimeout);
    connectGoodClient();
    long mark = LogRecords.mark();

    offender = RawClient.connect(http.port());
    String sid = offender.awaitOpen();
    long openedAt = System.nanoTime();

    offender.awaitClosedByServer();
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt);
    // the timer starts before the open packet reaches us, so allow for its travel time
    assertThat(waited).as("ms until closed").isGreaterThanOrEqualTo(connectTimeout.toMillis() / 2);

    assertNoStateLeftFor(null);
    assertGoodClientUndisturbed();
    assertOneLogLine(mark, sid, "forced close", "connectTimeout");
  }

  // ---- the server and the well-behaved client ----

  private void start(Duration connectTimeout) {
    io = NotifyServer.builder().maxPayload(MAX_PAYLOAD).connectTimeout(connectTimeout).build();
    io.onConnection(socket -> {
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.onDisconnect(why -> serverDisconnects.put(socket.id(), why));
    });
    io.of("/admin").onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
  }

  private void connectGoodClient() throws Exception {
    IO.Options options = IO.Options.builder()
        .setTransports(new String[] {"websocket"})
        .setReconnection(false)
        .setForceNew(true)
        .build();
    good = IO.socket(URI.create("http://127.0.0.1:" + http.port()), options);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    good.on(Socket.EVENT_CONNECT, args -> connected.complete(null));
    good.on(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("good client could not connect: " + Arrays.toString(args))));
    good.on(Socket.EVENT_DISCONNECT, args -> goodClientDisconnects.add(args.length > 0 ? args[0] : "?"));
    good.connect();
    connected.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    await().atMost(DEADLINE).until(() -> io.of("/").sockets().containsKey(good.id()));
  }

  private void assertGoodClientUndisturbed() throws Exception {
    CompletableFuture<Object[]> reply = new CompletableFuture<>();
    good.emit("echo", new Object[] {"still here", 42}, reply::complete);
    assertThat(reply.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).containsExactly("still here", 42);
    assertThat(good.connected()).isTrue();
    assertThat(goodClientDisconnects).as("disconnect events of the good client").isEmpty();
    assertThat(serverDisconnects).as("server-side disconnects").doesNotContainKey(good.id());
  }

  /** The engine and the main namespace hold the good client only. */
  private void assertNoStateLeftFor(String socketId) {
    await().atMost(DEADLINE).untilAsserted(() -> {
      assertThat(io.clientsCount()).as("open Engine.IO sessions").isEqualTo(1);
      assertThat(io.of("/").sockets().keySet()).containsExactly(good.id());
    });
    if (socketId != null) {
      assertThat(io.of("/").sockets()).doesNotContainKey(socketId);
    }
    assertThat(io.of("/admin").sockets()).isEmpty();
  }

  /**
   * Exactly one INFO+ line names the offender's session and the reason, and nothing was logged with a stack
   * trace at WARN or ERROR while the test ran.
   */
  private static void assertOneLogLine(long mark, String sid, String reason, String detailPattern) {
    List<LogRecords.Entry> lines = LogRecords.since(mark).stream()
        .filter(e -> e.atLeast(Level.INFO) && e.message().contains("sid=" + sid))
        .toList();
    assertThat(lines).as("INFO+ log lines about sid=%s", sid).hasSize(1);
    assertThat(lines.get(0).message()).contains(reason).containsPattern(detailPattern);
    assertThat(lines.get(0).throwable()).as("stack trace of the log line").isNull();
    assertThat(LogRecords.since(mark))
        .as("WARN/ERROR lines with a stack trace")
        .filteredOn(e -> e.atLeast(Level.WARN) && e.throwable() != null)
        .isEmpty();
  }

  // ---- the offender: Engine.IO and Socket.IO by hand over the JDK's WebSocket client ----

  private static final class RawClient implements WebSocket.Listener {

    record Close(int code, String reason) {
    }

    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static RawClient connect(int port) throws Exception {
      RawClient client = new RawClient();
      URI uri = URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket");
      client.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, client)
          .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return client;
    }

    /** Waits for the Engine.IO open packet; returns the session id. */
    String awaitOpen() throws Exception {
      String open = next();
      assertThat(open).startsWith("0{");
      return JSON.readTree(open.substring(1)).get("sid").asText();
    }

    /** Sends CONNECT to {@code /} and waits for the answer; returns the socket id. */
    String connectToMainNamespace() throws Exception {
      send("40");
      String answer = next();
      assertThat(answer).startsWith("40{");
      JsonNode body = JSON.readTree(answer.substring(2));
      return body.get("sid").asText();
    }

    void send(Object frame) throws Exception {
      CompletableFuture<WebSocket> sent = frame instanceof byte[] bytes
          ? ws.sendBinary(ByteBuffer.wrap(bytes), true)
          : ws.sendText((String) frame, true);
      sent.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits until the server closed the WebSocket; fails if it did not, or the connection just broke. */
    Close awaitClosedByServer() throws Exception {
      return closed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    void abort() {
      if (ws != null) {
        ws.abort();
      }
    }

    private String next() throws InterruptedException {
      String text = texts.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(text).as("packet from the server within %s", DEADLINE).isNotNull();
      return text;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        if (text.equals("2")) {
          webSocket.sendText("3", true);
        } else {
          texts.add(text);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
