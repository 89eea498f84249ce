package dev.notify.core.internal.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EngineEncoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.EnginePacketType;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fuzzes {@link EngineDecoder} with what a remote peer sends: WebSocket text and binary frames, and long-polling
 * payloads. Asserts that bad input raises {@link ProtocolException} and nothing else, that a text frame is refused
 * exactly when it is empty or starts with no packet type digit, that a binary frame is a message of its bytes, and
 * that decoding loses nothing: a decoded text frame or payload, encoded again with {@link EngineEncoder}, decodes to
 * equal packets.
 *
 * <p>Input of a frame: the text, or the bytes of a binary frame when the last input byte is odd (Jazzer takes
 * numbers and booleans from the end of the input); of a payload: the text. Seeds are in
 * {@code EngineDecoderFuzzTestInputs}.
 */
class EngineDecoderFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void aWebSocketFrameDecodesToWhatItCarriesOrIsRefusedWithAProtocolException(FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      byte[] frame = data.consumeRemainingAsBytes();

      EnginePacket packet = EngineDecoder.decode(frame);

      assertThat(packet.type()).as("binary frame").isEqualTo(EnginePacketType.MESSAGE);
      assertThat(packet.text()).as("binary frame").isEmpty();
      assertThat(packet.binary()).as("binary frame").isEqualTo(frame);
      return;
    }
    String frame = data.consumeRemainingAsString();
    EnginePacket packet;
    try {
      packet = EngineDecoder.decode(frame);
    } catch (ProtocolException e) {
      assertThat(frame.isEmpty() || frame.charAt(0) < '0' || frame.charAt(0) > '6')
          .as(() -> "frame " + quote(frame) + " refused (" + e.getMessage() + ") though it starts with a type digit")
          .isTrue();
      return;
    }
    Supplier<String> what = () -> "text frame " + quote(frame);
    assertThat(packet.isBinary()).as(what).isFalse();
    assertThat(packet.type().code() + packet.text()).as(what).isEqualTo(frame);
    if (packet.type() == EnginePacketType.MESSAGE) {
      Frame again = EngineEncoder.message(packet.text());
      assertThat(again.text()).as(what).isEqualTo(frame);
      assertThat(EngineDecoder.decode(again.text())).as(what).isEqualTo(packet);
    }
  }

  @FuzzTest(maxDuration = "10s")
  void aLongPollingPayloadDecodesToPacketsThatEncodeAndDecodeAgainUnchanged(FuzzedDataProvider data) {
    String payload = data.consumeRemainingAsString();
    List<EnginePacket> packets;
    try {
      packets = EngineDecoder.decodePayload(payload);
    } catch (ProtocolException e) {
      return;
    }
    Supplier<String> what = () -> "payload " + quote(payload);
    long separators = payload.chars().filter(c -> c == EngineDecoder.SEPARATOR).count();
    assertThat(packets).as(what).hasSize((int) separators + 1);

    List<Frame> frames = new ArrayList<>(packets.size());
    for (EnginePacket packet : packets) {
      if (packet.isBinary()) {
        assertThat(packet.type()).as(what).isEqualTo(EnginePacketType.MESSAGE);
        assertThat(packet.text()).as(what).isEmpty();
        frames.add(EngineEncoder.message(packet.binary()));
      } else {
        frames.add(Frame.text(packet.type().code() + packet.text()));
      }
    }
    String encoded = EngineEncoder.encodePayload(frames);
    List<EnginePacket> again = EngineDecoder.decodePayload(encoded);
    assertThat(again).as(() -> what.get() + " encoded again as " + quote(encoded)).hasSameSizeAs(packets);
    for (int i = 0; i < packets.size(); i++) {
      EnginePacket expected = packets.get(i);
      EnginePacket actual = again.get(i);
      assertThat(actual.type()).as(what).isEqualTo(expected.type());
      assertThat(actual.text()).as(what).isEqualTo(expected.text());
      assertThat(actual.binary()).as(what).isEqualTo(expected.binary());
    }
  }

  /** The input as Java source would write it, so a failure message shows control characters. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length() && i < 300; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(s.length() > 300 ? "\"..." : "\"").toString();
  }
}
