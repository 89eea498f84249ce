package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Engine.IO v4 decoding, with the examples of the spec (socketio/engine.io-protocol README). */
class EngineDecoderTest {

  static Stream<Arguments> specPackets() {
    return Stream.of(
        // the packet type table: open 0, close 1, ping 2, pong 3, message 4, upgrade 5, noop 6
        Arguments.of("0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
            + "\"pingTimeout\":20000,\"maxPayload\":1000000}", EnginePacketType.OPEN,
            "{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
                + "\"pingTimeout\":20000,\"maxPayload\":1000000}"),
        Arguments.of("1", EnginePacketType.CLOSE, ""),
        Arguments.of("2", EnginePacketType.PING, ""),
        Arguments.of("3", EnginePacketType.PONG, ""),
        Arguments.of("4", EnginePacketType.MESSAGE, ""),
        Arguments.of("5", EnginePacketType.UPGRADE, ""),
        Arguments.of("6", EnginePacketType.NOOP, ""),
        // the upgrade section: probe ping and pong
        Arguments.of("2probe", EnginePacketType.PING, "probe"),
        Arguments.of("3probe", EnginePacketType.PONG, "probe"),
        // the WebSocket encoding example, and a Socket.IO packet inside a message
        Arguments.of("4hello", EnginePacketType.MESSAGE, "hello"),
        Arguments.of("42[\"hey\",\"Jude\"]", EnginePacketType.MESSAGE, "2[\"hey\",\"Jude\"]"),
        // the v3 -> v4 history example: UTF-8 text is taken as is, no character counting
        Arguments.of("4€", EnginePacketType.MESSAGE, "€"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specPackets")
  void decodesEachTextPacketOfTheSpec(String frame, EnginePacketType type, String text) {
    EnginePacket packet = EngineDecoder.decode(frame);

    assertThat(packet.type()).isEqualTo(type);
    assertThat(packet.text()).isEqualTo(text);
    assertThat(packet.isBinary()).isFalse();
  }

  @Test
  void decodesABinaryWebSocketFrameAsABinaryMessageUnchanged() {
    byte[] data = {1, 2, 3, 4};

    EnginePacket packet = EngineDecoder.decode(data);

    assertThat(packet.type()).isEqualTo(EnginePacketType.MESSAGE);
    assertThat(packet.isBinary()).isTrue();
    assertThat(packet.binary()).containsExactly(1, 2, 3, 4);
    assertThat(packet.text()).isEmpty();
  }

  @Test
  void decodesTheSpecPayloadWithRecordSeparators() {
    List<EnginePacket> packets = EngineDecoder.decodePayload("4hello\u001e2\u001e4world");

    assertThat(packets).extracting(EnginePacket::type)
        .containsExactly(EnginePacketType.MESSAGE, EnginePacketType.PING, EnginePacketType.MESSAGE);
    assertThat(packets).extracting(EnginePacket::text).containsExactly("hello", "", "world");
  }

  @Test
  void decodesTheSpecPayloadWithABase64BinaryPacket() {
    List<EnginePacket> packets = EngineDecoder.decodePayload("4hello\u001ebAQIDBA==");

    assertThat(packets).hasSize(2);
    assertThat(packets.get(0).type()).isEqualTo(EnginePacketType.MESSAGE);
    assertThat(packets.get(0).text()).isEqualTo("hello");
    assertThat(packets.get(1).type()).isEqualTo(EnginePacketType.MESSAGE);
    assertThat(packets.get(1).binary()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void decodesThePayloadOfTheSocketIoSampleSession() {
    List<EnginePacket> packets = EngineDecoder.decodePayload("42[\"hello\"]\u001e42[\"world\"]");

    assertThat(packets).extracting(EnginePacket::text).containsExactly("2[\"hello\"]", "2[\"world\"]");
  }

  @Test
  void decodesAPayloadOfOnePacketWithoutSeparator() {
    assertThat(EngineDecoder.decodePayload("40")).singleElement()
        .satisfies(p -> assertThat(p.type()).isEqualTo(EnginePacketType.MESSAGE))
        .satisfies(p -> assertThat(p.text()).isEqualTo("0"));
  }

  @Test
  void decodesMultiByteTextInAPayloadByCharactersNotBytes() {
    String text = "€ 😀 \u00e9";

    List<EnginePacket> packets = EngineDecoder.decodePayload("4" + text + "\u001e4" + text);

    assertThat(packets).extracting(EnginePacket::text).containsExactly(text, text);
    assertThat(text.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(text.length());
  }

  // ---- bad input: ProtocolException, and nothing else ----

  @Test
  void decodeRejectsAnEmptyPacket() {
    assertThatThrownBy(() -> EngineDecoder.decode(""))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"7", "8", "9", "a", "x{}", "/", " 4hello", "\u001e", "b"})
  void decodeRejectsAnUnknownPacketType(String frame) {
    assertThatThrownBy(() -> EngineDecoder.decode(frame))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown Engine.IO packet type '" + frame.charAt(0) + "'");
  }

  @Test
  void decodePayloadRejectsAnEmptyPayload() {
    assertThatThrownBy(() -> EngineDecoder.decodePayload(""))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("empty long-polling payload");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4a\u001e\u001e4b", "4a\u001e", "\u001e4a"})
  void decodePayloadRejectsAnEmptyPacketBetweenSeparators(String payload) {
    assertThatThrownBy(() -> EngineDecoder.decodePayload(payload))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("empty Engine.IO packet");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bAQ!DBA==", "b====", "bA", "4hello\u001eb%%%", "b AQIDBA=="})
  void decodePayloadRejectsBadBase64(String payload) {
    assertThatThrownBy(() -> EngineDecoder.decodePayload(payload))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("invalid base64");
  }

  @Test
  void decodePayloadRejectsAnUnknownPacketTypeInsideThePayload() {
    assertThatThrownBy(() -> EngineDecoder.decodePayload("4hello\u001e9"))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("unknown Engine.IO packet type '9'");
  }
}
