package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.NotifyServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compression in every container: permessage-deflate only when the server allows it (the containers would agree
 * to it whenever a client offers it), and long-polling responses gzipped from the threshold on for clients that
 * accept it.
 */
class CompressionIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OFFER = "permessage-deflate; client_max_window_bits";

  private final HttpClient http = HttpClient.newHttpClient();
  private NotifyServer io;
  private ServedContainer container;

  @AfterEach
  void stop() {
    if (container != null) {
      container.close();
    }
    if (io != null) {
      io.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void permessageDeflateIsRefusedByDefaultEvenWhenTheClientOffersIt(ContainerKind kind) throws Exception {
    start(kind, NotifyServer.builder());

    String answer = upgrade();

    assertThat(answer).startsWith("HTTP/1.1 101");
    assertThat(answer.toLowerCase()).doesNotContain("sec-websocket-extensions");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ContainerKind.class, names = {"TOMCAT", "JETTY", "NETTY"})
  void permessageDeflateIsAgreedWhenTheServerAllowsIt(ContainerKind kind) throws Exception {
    start(kind, NotifyServer.builder().perMessageDeflate(true));

    String answer = upgrade();

    assertThat(answer).startsWith("HTTP/1.1 101");
    assertThat(answer.toLowerCase()).contains("sec-websocket-extensions: permessage-deflate");
  }

  /** Node's ws offers permessage-deflate; a 20 KB event and its ack, compressed both ways, arrive unchanged. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = ContainerKind.class, names = {"TOMCAT", "JETTY", "NETTY"})
  void largeMessagesTravelCompressedBothWaysOnceAgreed(ContainerKind kind) throws Exception {
    start(kind, NotifyServer.builder().perMessageDeflate(true));
    io.onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));

    JsonNode seen = NodeScript.run("deflate-echo.mjs", Duration.ofSeconds(30), container.url());

    assertThat(seen.path("extensions").asText()).startsWith("permessage-deflate");
    assertThat(seen.path("echoed").asBoolean()).as("the 20 KB string came back unchanged").isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void aLargePollingResponseIsGzippedForAClientThatAcceptsIt(ContainerKind kind) throws Exception {
    start(kind, NotifyServer.builder());
    String big = "x".repeat(5_000);
    String sid = connectOverPolling();
    io.of("/").sockets().values().forEach(socket -> socket.emit("big", big));

    HttpResponse<byte[]> poll = poll(sid, "gzip, deflate");

    assertThat(poll.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(poll.body().length).as("compressed length").isLessThan(1_000);
    assertThat(gunzip(poll.body())).contains("42[\"big\",\"" + big + "\"]");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void smallResponsesAndClientsWithoutGzipGetPlainText(ContainerKind kind) throws Exception {
    start(kind, NotifyServer.builder());
    String sid = connectOverPolling();
    io.of("/").sockets().values().forEach(socket -> socket.emit("small", "y"));

    HttpResponse<byte[]> small = poll(sid, "gzip");
    io.of("/").sockets().values().forEach(socket -> socket.emit("big", "z".repeat(5_000)));
    HttpResponse<byte[]> plain = poll(sid, null);

    assertThat(small.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo("42[\"small\",\"y\"]");
    assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new String(plain.body(), StandardCharsets.UTF_8)).startsWith("42[\"big\",\"zzz");
  }

  private void start(ContainerKind kind, NotifyServer.Builder options) throws Exception {
    io = options.build();
    container = kind.start(io);
  }

  /** A WebSocket upgrade request offering permessage-deflate, by hand: the JDK's client offers no extension. */
  private String upgrade() throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", container.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:"
          + container.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: " + OFFER + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      return head.toString();
    }
  }

  /** Opens a polling session and joins the main namespace; returns the sid. */
  private String connectOverPolling() throws Exception {
    HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(container.endpoint()
        + "?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString());
    String sid = JSON.readTree(open.body().substring(1)).get("sid").textValue();
    HttpResponse<String> connect = http.send(HttpRequest.newBuilder(pollUri(sid))
        .POST(HttpRequest.BodyPublishers.ofString("40")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(connect.statusCode()).isEqualTo(200);
    assertThat(new String(poll(sid, null).body(), StandardCharsets.UTF_8)).startsWith("40{");
    return sid;
  }

  private HttpResponse<byte[]> poll(String sid, String acceptEncoding) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(pollUri(sid));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    return response;
  }

  private URI pollUri(String sid) {
    return URI.create(container.endpoint() + "?EIO=4&transport=polling&sid=" + sid);
  }

  private static String gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
