package dev.notify.core.internal.protocol.fuzz;

import static dev.notify.core.internal.protocol.fuzz.EngineDecoderFuzzTest.quote;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.EnginePacketType;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.ProtocolException;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketDecoder;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import dev.notify.core.internal.protocol.SocketPacketType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fuzzes one {@link SocketPacketDecoder} with a sequence of text packets and binary attachments, as one connection
 * feeds it. Asserts the contract of its class doc: bad input raises {@link ProtocolException} and nothing else;
 * after one the decoder stays usable (a refused text packet leaves the decoder waiting for what it waited for, a
 * refused attachment leaves nothing pending, and the decoder still completes a pending packet and then decodes an
 * event); a packet comes out exactly when nothing is pending any more; every packet has the payload shape its type
 * demands, within the limits; and a packet, encoded again by {@link SocketPacketEncoder}, decodes to an equal packet.
 *
 * <p>Input: the frames separated by {@code 0x1E}; a frame starting with {@code b} is an attachment (the UTF-8 bytes
 * of the rest), any other is a text packet (the Engine.IO message payload, without its {@code 4}). Seeds are in
 * {@code SocketPacketDecoderFuzzTestInputs}.
 */
class SocketPacketDecoderFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_ATTACHMENTS = 100;
  private static final long MAX_ATTACHMENT_BYTES = 1_000_000;
  private static final SocketPacketEncoder ENCODER = new SocketPacketEncoder(MAPPER);

  @FuzzTest(maxDuration = "10s")
  void aConnectionsFramesDecodeToWellFormedPacketsOrAreRefusedWithAProtocolException(FuzzedDataProvider data) {
    String input = data.consumeRemainingAsString();
    SocketPacketDecoder decoder = newDecoder();
    for (String frame : input.split(String.valueOf(EngineDecoder.SEPARATOR), -1)) {
      boolean binary = frame.startsWith("b");
      boolean awaited = decoder.awaitsAttachments();
      SocketPacket packet;
      try {
        packet = binary ? decoder.decode(frame.substring(1).getBytes(StandardCharsets.UTF_8)) : decoder.decode(frame);
      } catch (ProtocolException e) {
        assertThat(decoder.awaitsAttachments())
            .as(() -> "awaits attachments after " + quote(frame) + " was refused: " + e.getMessage())
            .isEqualTo(!binary && awaited);
        continue;
      }
      assertThat(decoder.awaitsAttachments()).as(() -> "awaits attachments after " + quote(frame))
          .isEqualTo(packet == null);
      if (packet != null) {
        checkShape(packet, frame);
        checkEncodesAndDecodesAgain(packet, frame);
      }
    }
    checkStillUsable(decoder, input);
  }

  private static SocketPacketDecoder newDecoder() {
    return new SocketPacketDecoder(MAPPER.reader(), MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES);
  }

  /** What the class doc promises of an accepted packet. */
  private static void checkShape(SocketPacket packet, String frame) {
    Supplier<String> what = () -> packet + " from " + quote(frame);
    JsonNode data = packet.data();
    assertThat(packet.namespace()).as(what).startsWith("/");
    switch (packet.type()) {
      case CONNECT -> assertThat(data == null || data.isObject()).as(what).isTrue();
      case DISCONNECT -> assertThat(data).as(what).isNull();
      case CONNECT_ERROR -> assertThat(data != null && (data.isObject() || data.isTextual())).as(what).isTrue();
      case EVENT, BINARY_EVENT -> {
        assertThat(data != null && data.isArray() && !data.isEmpty()).as(what).isTrue();
        assertThat(data.get(0).isTextual() || data.get(0).isNumber()).as(what).isTrue();
        assertThat(SocketPacketDecoder.RESERVED_EVENTS).as(what).doesNotContain(data.get(0).asText());
      }
      case ACK, BINARY_ACK -> {
        assertThat(packet.hasAck()).as(what).isTrue();
        assertThat(data != null && data.isArray()).as(what).isTrue();
      }
      default -> throw new AssertionError(packet.type());
    }
    long[] binaries = new long[2]; // count, bytes
    countBinaries(data, binaries);
    if (!packet.type().isBinary()) {
      assertThat(binaries[0]).as(what).isZero();
    }
    assertThat(binaries[0]).as(what).isLessThanOrEqualTo(MAX_ATTACHMENTS);
    assertThat(binaries[1]).as(what).isLessThanOrEqualTo(MAX_ATTACHMENT_BYTES);
  }

  /**
   * Encodes the packet as a server would send it and decodes that with a fresh decoder: the same packet comes back,
   * typed binary exactly when it holds binary values. Skipped for numbers beyond a double, which Jackson reads as
   * infinity and writes as a string.
   */
  private static void checkEncodesAndDecodesAgain(SocketPacket packet, String frame) {
    if (hasNonFiniteNumber(packet.data())) {
      return;
    }
    long[] binaries = new long[2];
    countBinaries(packet.data(), binaries);
    boolean binary = binaries[0] > 0;
    SocketPacketType type = switch (packet.type()) {
      case EVENT, BINARY_EVENT -> binary ? SocketPacketType.BINARY_EVENT : SocketPacketType.EVENT;
      case ACK, BINARY_ACK -> binary ? SocketPacketType.BINARY_ACK : SocketPacketType.ACK;
      default -> packet.type();
    };
    SocketPacketType asked = type == SocketPacketType.BINARY_EVENT ? SocketPacketType.EVENT
        : type == SocketPacketType.BINARY_ACK ? SocketPacketType.ACK : type;
    List<Frame> frames = ENCODER.encode(asked, packet.namespace(), packet.ackId(), packet.data());

    SocketPacketDecoder decoder = newDecoder();
    SocketPacket decoded = null;
    for (Frame f : frames) {
      assertThat(decoded).as(() -> "packet before the last frame of " + frames).isNull();
      try {
        if (f.isBinary()) {
          decoded = decoder.decode(f.binary());
        } else {
          EnginePacket message = EngineDecoder.decode(f.text());
          assertThat(message.type()).isEqualTo(EnginePacketType.MESSAGE);
          decoded = decoder.decode(message.text());
        }
      } catch (ProtocolException e) {
        throw new AssertionError(packet + " from " + quote(frame) + " encoded again as " + frames
            + " is refused: " + e.getMessage(), e);
      }
    }
    assertThat(decoded).as(() -> packet + " from " + quote(frame) + " encoded again as " + frames)
        .isEqualTo(new SocketPacket(type, packet.namespace(), packet.ackId(), packet.data()));
  }

  /** Completes a pending packet with empty attachments, then decodes an event: the decoder still works. */
  private static void checkStillUsable(SocketPacketDecoder decoder, String input) {
    Supplier<String> what = () -> "the decoder after input " + quote(input);
    for (int i = 0; i < MAX_ATTACHMENTS && decoder.awaitsAttachments(); i++) {
      SocketPacket packet = decoder.decode(new byte[0]);
      assertThat(packet == null).as(what).isEqualTo(decoder.awaitsAttachments());
      if (packet != null) {
        assertThat(packet.type().isBinary()).as(what).isTrue();
      }
    }
    assertThat(decoder.awaitsAttachments()).as(what).isFalse();

    SocketPacket probe = decoder.decode("2[\"probe\"]");
    assertThat(probe).as(what)
        .isEqualTo(new SocketPacket(SocketPacketType.EVENT, "/", SocketPacket.NO_ACK, MAPPER.createArrayNode()
            .add("probe")));
  }

  private static void countBinaries(JsonNode node, long[] countAndBytes) {
    if (node == null) {
      return;
    }
    if (node.isBinary()) {
      countAndBytes[0]++;
      countAndBytes[1] += ((BinaryNode) node).binaryValue().length;
    }
    for (JsonNode child : node) {
      countBinaries(child, countAndBytes);
    }
  }

  private static boolean hasNonFiniteNumber(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      return true;
    }
    for (JsonNode child : node) {
      if (hasNonFiniteNumber(child)) {
        return true;
      }
    }
    return false;
  }
}
