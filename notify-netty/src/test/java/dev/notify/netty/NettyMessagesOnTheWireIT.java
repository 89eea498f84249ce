package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.NotifyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What NotifyNetty puts on the wire, read by a hand-written client: plain messages of every length form (framed once
 * per frame, past Netty's encoder), and compressed ones once permessage-deflate is agreed (through the extension).
 */
class NettyMessagesOnTheWireIT {

  private static final String SMALL = "x".repeat(100);
  private static final String MEDIUM = "compressible ".repeat(1600);
  private static final String LARGE = "y".repeat(70_000);

  private NotifyServer io;
  private NotifyNetty netty;

  @AfterEach
  void stop() {
    if (netty != null) {
      netty.close();
    }
    if (io != null) {
      io.close();
    }
  }

  private void start(NotifyServer.Builder builder) {
    io = builder.build();
    io.onConnection(socket -> {
      socket.emit("small", SMALL);
      socket.emit("medium", MEDIUM);
      socket.emit("large", LARGE);
    });
    netty = NotifyNetty.builder().port(0).add(io).start();
  }

  @Test
  void withoutTheExtensionEveryLengthFormArrivesAsOneUncompressedTextFrame() throws Exception {
    start(NotifyServer.builder());
    try (RawWebSocket client = RawWebSocket.connect(netty.port(), "permessage-deflate")) {
      assertThat(client.head().toLowerCase()).doesNotContain("sec-websocket-extensions");

      assertThat(nextEvent(client, false)).isEqualTo("42[\"small\",\"" + SMALL + "\"]");
      assertThat(nextEvent(client, false)).isEqualTo("42[\"medium\",\"" + MEDIUM + "\"]");
      assertThat(nextEvent(client, false)).isEqualTo("42[\"large\",\"" + LARGE + "\"]");
    }
  }

  @Test
  void withPermessageDeflateAgreedMessagesFromTheThresholdOnArriveCompressed() throws Exception {
    start(NotifyServer.builder().perMessageDeflate(true));
    try (RawWebSocket client = RawWebSocket.connect(netty.port(), "permessage-deflate")) {
      assertThat(client.head().toLowerCase()).contains("sec-websocket-extensions: permessage-deflate");

      assertThat(nextEvent(client, false)).as("under the 1 KB threshold").isEqualTo("42[\"small\",\"" + SMALL + "\"]");
      assertThat(nextEvent(client, true)).isEqualTo("42[\"medium\",\"" + MEDIUM + "\"]");
      assertThat(nextEvent(client, true)).isEqualTo("42[\"large\",\"" + LARGE + "\"]");
    }
  }

  /** The text of the next event frame (Engine.IO and Socket.IO handshakes skipped), compressed as expected. */
  private static String nextEvent(RawWebSocket client, boolean compressed) throws IOException, DataFormatException {
    while (true) {
      RawWebSocket.ServerFrame frame = client.readFrame();
      assertThat(frame.first() & 0x8f).as("a final text frame").isEqualTo(0x81);
      String text = frame.compressed() ? inflate(frame.payload()) : new String(frame.payload(), StandardCharsets.UTF_8);
      if (text.startsWith("42")) {
        assertThat(frame.compressed()).as("compressed: %s", text.substring(0, 12)).isEqualTo(compressed);
        return text;
      }
    }
  }

  /** RFC 7692: the message is raw deflate data without its final empty block's 4 bytes. */
  private static String inflate(byte[] payload) throws DataFormatException {
    Inflater inflater = new Inflater(true);
    byte[] input = new byte[payload.length + 4];
    System.arraycopy(payload, 0, input, 0, payload.length);
    input[payload.length + 2] = (byte) 0xff;
    input[payload.length + 3] = (byte) 0xff;
    inflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!inflater.needsInput()) {
      int n = inflater.inflate(buffer);
      out.write(buffer, 0, n);
    }
    inflater.end();
    return out.toString(StandardCharsets.UTF_8);
  }
}
