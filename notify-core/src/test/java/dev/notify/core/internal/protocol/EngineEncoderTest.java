package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Engine.IO v4 encoding, with the examples of the spec (socketio/engine.io-protocol README). */
class EngineEncoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void encodesTheOpenPacketOfTheSampleSessionExactly() {
    Frame open = EngineEncoder.open("lv_VI97HAXpY6yYWAAAC", List.of("websocket"), 25000, 5000, 1000000);

    assertThat(open.isBinary()).isFalse();
    assertThat(open.text()).isEqualTo("0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],"
        + "\"pingInterval\":25000,\"pingTimeout\":5000,\"maxPayload\":1000000}");
  }

  @Test
  void encodesTheOpenPacketAsTheJsonShapeOfTheHandshakeTable() throws Exception {
    Frame open = EngineEncoder.open("abc", List.of("websocket", "webtransport"), 300, 200, 1_000_000);

    assertThat(open.text()).startsWith("0");
    JsonNode json = MAPPER.readTree(open.text().substring(1));
    assertThat(json.properties()).extracting(e -> e.getKey())
        .containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(json.get("sid").isTextual()).isTrue();
    assertThat(json.get("sid").textValue()).isEqualTo("abc");
    assertThat(json.get("upgrades").isArray()).isTrue();
    assertThat(json.get("upgrades")).extracting(JsonNode::textValue).containsExactly("websocket", "webtransport");
    assertThat(json.get("pingInterval").isIntegralNumber()).isTrue();
    assertThat(json.get("pingInterval").longValue()).isEqualTo(300);
    assertThat(json.get("pingTimeout").longValue()).isEqualTo(200);
    assertThat(json.get("maxPayload").longValue()).isEqualTo(1_000_000);
  }

  @Test
  void encodesAnOpenPacketWithoutUpgradesAsAnEmptyArray() throws Exception {
    Frame open = EngineEncoder.open("abc", List.of(), 25000, 20000, 1000000);

    assertThat(MAPPER.readTree(open.text().substring(1)).get("upgrades").isEmpty()).isTrue();
    assertThat(open.text()).contains("\"upgrades\":[]");
  }

  static Stream<Arguments> controlFrames() {
    return Stream.of(
        Arguments.of(Frame.CLOSE, "1"),
        Arguments.of(Frame.PING, "2"),
        Arguments.of(Frame.PONG, "3"),
        Arguments.of(Frame.PONG_PROBE, "3probe"),
        Arguments.of(Frame.NOOP, "6"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("controlFrames")
  void controlFramesAreTheSpecPackets(Frame frame, String wire) {
    assertThat(frame.text()).isEqualTo(wire);
    assertThat(EngineDecoder.decode(frame.text()).type().code()).isEqualTo(wire.charAt(0));
  }

  @Test
  void encodesATextMessageWithTheMessageDigit() {
    assertThat(EngineEncoder.message("hello").text()).isEqualTo("4hello");
    assertThat(EngineEncoder.message("2[\"hey\",\"Jude\"]").text()).isEqualTo("42[\"hey\",\"Jude\"]");
  }

  @Test
  void encodesABinaryMessageAsIs() {
    byte[] data = {1, 2, 3, 4};

    Frame frame = EngineEncoder.message(data);

    assertThat(frame.isBinary()).isTrue();
    assertThat(frame.binary()).isSameAs(data);
  }

  @Test
  void encodesTheSpecPayloadWithRecordSeparators() {
    String payload = EngineEncoder.encodePayload(List.of(Frame.text("4hello"), Frame.PING, Frame.text("4world")));

    assertThat(payload).isEqualTo("4hello\u001e2\u001e4world");
  }

  @Test
  void encodesTheSpecPayloadWithBinaryAsBase64PrefixedWithB() {
    String payload = EngineEncoder.encodePayload(List.of(Frame.text("4hello"), Frame.binary(new byte[] {1, 2, 3, 4})));

    assertThat(payload).isEqualTo("4hello\u001ebAQIDBA==");
  }

  @Test
  void encodesAPayloadOfOneTextPacketWithoutSeparator() {
    assertThat(EngineEncoder.encodePayload(List.of(Frame.text("40")))).isEqualTo("40");
  }

  @Test
  void encodesAPayloadOfOneBinaryPacketAsBase64() {
    assertThat(EngineEncoder.encodePayload(List.of(Frame.binary(new byte[] {1, 2, 3, 4})))).isEqualTo("bAQIDBA==");
  }

  @Test
  void encodesThePayloadOfTheSocketIoSampleSession() {
    String payload = EngineEncoder.encodePayload(List.of(Frame.text("42[\"hello\"]"), Frame.text("42[\"world\"]")));

    assertThat(payload).isEqualTo("42[\"hello\"]\u001e42[\"world\"]");
  }

  @Test
  void randomPayloadsOfTextAndBinaryPacketsDecodeToTheSameFrames() {
    long seed = Long.getLong("notify.test.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      List<Frame> frames = new ArrayList<>();
      int count = 1 + random.nextInt(6);
      for (int j = 0; j < count; j++) {
        if (random.nextInt(3) == 0) {
          byte[] data = new byte[random.nextInt(40)];
          random.nextBytes(data);
          frames.add(Frame.binary(data));
        } else {
          // the spec assumes the record separator is not used in the data
          frames.add(Frame.text("4" + RandomJson.string(random, 20).replace('\u001e', '_')));
        }
      }

      List<EnginePacket> packets = EngineDecoder.decodePayload(EngineEncoder.encodePayload(frames));

      List<Frame> decoded = packets.stream()
          .map(p -> p.isBinary() ? Frame.binary(p.binary()) : Frame.text(p.type().code() + p.text()))
          .toList();
      assertThat(decoded).as("case %d of seed %d (rerun with -Dnotify.test.seed=%d)", i, seed, seed)
          .isEqualTo(frames);
    }
  }
}
