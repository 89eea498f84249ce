package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.notify.core.internal.protocol.SocketSpecExamples.Example;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Socket.IO v5 decoding: the spec examples, binary reassembly, and every kind of bad input. */
class SocketPacketDecoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
  private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";

  private final SocketPacketDecoder decoder = new SocketPacketDecoder(MAPPER);

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.notify.core.internal.protocol.SocketSpecExamples#all")
  void decodesEachExampleOfTheSpec(Example example) {
    SocketPacket packet = decoder.decode(example.wire());
    for (int i = 0; i < example.attachments().size(); i++) {
      assertThat(packet).as("packet before attachment %d", i).isNull();
      assertThat(decoder.awaitsAttachments()).isTrue();
      packet = decoder.decode(example.attachments().get(i).clone());
    }

    assertThat(packet).isNotNull();
    assertThat(decoder.awaitsAttachments()).isFalse();
    assertThat(packet.type()).isEqualTo(example.type());
    assertThat(packet.namespace()).isEqualTo(example.namespace());
    assertThat(packet.ackId()).isEqualTo(example.ackId());
    assertThat(packet.hasAck()).isEqualTo(example.ackId() != SocketPacket.NO_ACK);
    assertThat(packet.data()).isEqualTo(example.data());
  }

  @Test
  void decodesWhatTheEncoderWroteForEachExampleOfTheSpec() {
    SocketPacketEncoder encoder = new SocketPacketEncoder(MAPPER);
    for (Example example : SocketSpecExamples.examples()) {
      SocketPacket packet = null;
      for (Frame frame : encoder.encode(example.type(), example.namespace(), example.ackId(), example.data())) {
        packet = frame.isBinary() ? decoder.decode(frame.binary())
            : decoder.decode(EngineDecoder.decode(frame.text()).text());
      }
      assertThat(packet).as(example.name()).isEqualTo(new SocketPacket(example.type(), example.namespace(),
          example.ackId(), example.data()));
    }
  }

  @Test
  void reassemblesAttachmentsInPlaceAsBinaryNodes() throws Exception {
    String wire = "52-/admin,3[\"baz\"," + PH1 + ",{\"nested\":[\"x\"," + PH0 + "]}]";

    assertThat(decoder.decode(wire)).isNull();
    assertThat(decoder.decode(new byte[] {1, 2})).isNull();
    SocketPacket packet = decoder.decode(new byte[] {3, 4});

    assertThat(packet.type()).isEqualTo(SocketPacketType.BINARY_EVENT);
    assertThat(packet.event()).isEqualTo("baz");
    JsonNode second = packet.data().get(1);
    assertThat(second).isInstanceOf(BinaryNode.class);
    assertThat(second.binaryValue()).containsExactly(3, 4);
    JsonNode first = packet.data().get(2).get("nested").get(1);
    assertThat(first).isInstanceOf(BinaryNode.class);
    assertThat(first.binaryValue()).containsExactly(1, 2);
    assertThat(packet.data().get(2).get("nested").get(0).textValue()).isEqualTo("x");
  }

  @Test
  void decodesABinaryPacketWhosePlaceholdersAreInAnyOrder() {
    decoder.decode("62-9[" + PH1 + "," + PH0 + "]");
    decoder.decode(new byte[] {0});
    SocketPacket packet = decoder.decode(new byte[] {1});

    assertThat(packet.type()).isEqualTo(SocketPacketType.BINARY_ACK);
    assertThat(packet.ackId()).isEqualTo(9);
    assertThat(packet.data()).containsExactly(BinaryNode.valueOf(new byte[] {1}), BinaryNode.valueOf(new byte[] {0}));
  }

  @Test
  void acceptsANumericEventNameAsTheReferenceParserDoes() {
    SocketPacket packet = decoder.decode("2[42,\"x\"]");

    assertThat(packet.event()).isEqualTo("42");
  }

  @Test
  void acceptsABinaryPacketAnnouncingNoAttachmentAsTheReferenceParserDoes() {
    SocketPacket packet = decoder.decode("50-[\"a\",1]");

    assertThat(packet.type()).isEqualTo(SocketPacketType.BINARY_EVENT);
    assertThat(packet.data()).isEqualTo(SocketSpecExamples.parse("[\"a\",1]"));
    assertThat(decoder.awaitsAttachments()).isFalse();
  }

  @Test
  void keepsAllDigitsOfALargeAckId() {
    assertThat(decoder.decode("2999999999999999[\"a\"]").ackId()).isEqualTo(999_999_999_999_999L);
  }

  @Test
  void decodesTheNamespaceOfAPacketWithoutPayloadUpToTheEnd() {
    assertThat(decoder.decode("1/admin").namespace()).isEqualTo("/admin");
  }

  // ---- bad input ----

  static Stream<Arguments> badPackets() {
    return Stream.of(
        Arguments.of("", "empty Socket.IO packet"),
        Arguments.of("7", "unknown Socket.IO packet type '7'"),
        Arguments.of("9[\"a\"]", "unknown Socket.IO packet type '9'"),
        Arguments.of("a[\"a\"]", "unknown Socket.IO packet type 'a'"),
        Arguments.of("/admin,[\"a\"]", "unknown Socket.IO packet type '/'"),
        // invalid JSON
        Arguments.of("2[\"foo\"", "invalid payload"),
        Arguments.of("2[foo]", "invalid payload"),
        Arguments.of("0{\"a\":}", "invalid payload"),
        Arguments.of("2   ", "invalid payload"),
        Arguments.of("0 ", "invalid payload"),
        Arguments.of("2[NaN]", "invalid payload"),
        // trailing garbage after the JSON value
        Arguments.of("2[\"foo\"]x", "invalid payload"),
        Arguments.of("2[\"foo\"]]", "invalid payload"),
        Arguments.of("2[\"foo\"][\"bar\"]", "invalid payload"),
        Arguments.of("0{\"token\":\"1\"}{}", "invalid payload"),
        Arguments.of("3/admin,13[\"bar\"]1", "invalid payload"),
        // ack ids: letters where the id or payload should be, too many digits
        Arguments.of("2abc[\"foo\"]", "invalid payload"),
        Arguments.of("212a[\"foo\"]", "invalid payload"),
        Arguments.of("2-1[\"foo\"]", "invalid payload"),
        Arguments.of("21234567890123456[\"foo\"]", "invalid ack id: more than 15 digits"),
        Arguments.of("3/admin,99999999999999999999[]", "invalid ack id: more than 15 digits"),
        // events: a non-empty array whose first element is a name, not a reserved one
        Arguments.of("2{}", "an event takes a non-empty array"),
        Arguments.of("2\"foo\"", "an event takes a non-empty array"),
        Arguments.of("2/admin,", "an event takes a non-empty array"),
        Arguments.of("2", "an event takes a non-empty array"),
        Arguments.of("2[]", "an event takes a non-empty array"),
        Arguments.of("212[]", "an event takes a non-empty array"),
        Arguments.of("2[null]", "the event name must be a string"),
        Arguments.of("2[{\"a\":1}]", "the event name must be a string"),
        Arguments.of("2[[\"a\"]]", "the event name must be a string"),
        Arguments.of("2[true]", "the event name must be a string"),
        // acknowledgements: an id and an array
        Arguments.of("3[\"bar\"]", "an acknowledgement needs one"),
        Arguments.of("3/admin,[\"bar\"]", "an acknowledgement needs one"),
        Arguments.of("61-[\"bar\"," + PH0 + "]", "an acknowledgement needs one"),
        Arguments.of("312", "an acknowledgement takes an array"),
        Arguments.of("312{}", "an acknowledgement takes an array"),
        Arguments.of("312\"bar\"", "an acknowledgement takes an array"),
        // DISCONNECT takes no payload
        Arguments.of("1{}", "DISCONNECT takes none"),
        Arguments.of("1/admin,{\"a\":1}", "DISCONNECT takes none"),
        Arguments.of("1[\"x\"]", "DISCONNECT takes none"),
        Arguments.of("1null", "DISCONNECT takes none"),
        // CONNECT takes an object
        Arguments.of("0[]", "CONNECT takes an object"),
        Arguments.of("0\"token\"", "CONNECT takes an object"),
        Arguments.of("0/admin,[1]", "CONNECT takes an object"),
        Arguments.of("0null", "CONNECT takes an object"),
        // CONNECT_ERROR takes an object or a string
        Arguments.of("4", "CONNECT_ERROR takes an object or a string"),
        Arguments.of("4[\"x\"]", "CONNECT_ERROR takes an object or a string"),
        // attachments: count, dash, placeholders
        Arguments.of("51[\"a\"," + PH0 + "]", "illegal attachments"),
        Arguments.of("5-[\"a\"," + PH0 + "]", "illegal attachments"),
        Arguments.of("5x-[\"a\"," + PH0 + "]", "illegal attachments"),
        Arguments.of("5", "illegal attachments"),
        Arguments.of("61[\"a-b\"," + PH0 + "]", "illegal attachments"),
        Arguments.of("51234567-[\"a\"," + PH0 + "]", "illegal attachments"),
        Arguments.of("51-[\"a\"," + PH0 + "," + PH1 + "]", "placeholder 1 out of range 0..0"),
        Arguments.of("52-[\"a\"," + PH0 + "]", "illegal attachments: 2 announced, 1 placeholders found"),
        Arguments.of("51-[\"a\"]", "illegal attachments: 1 announced, 0 placeholders found"),
        Arguments.of("51-[\"a\",{\"_placeholder\":true,\"num\":5}]", "placeholder 5 out of range 0..0"),
        Arguments.of("51-[\"a\",{\"_placeholder\":true,\"num\":-1}]", "placeholder -1 out of range 0..0"),
        Arguments.of("52-[\"a\"," + PH0 + "," + PH0 + "]", "illegal attachments: placeholder 0 used twice"),
        Arguments.of("50-[\"a\"," + PH0 + "]", "illegal attachments: placeholder 0 but no attachment announced"),
        Arguments.of("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]", "1 announced, 0 placeholders found"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badPackets")
  void rejectsABadPacketNamingTheProblem(String wire, String problem) {
    assertThatThrownBy(() -> decoder.decode(wire))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining(problem);
    assertThat(decoder.awaitsAttachments()).as("a rejected packet leaves nothing pending").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
      "removeListener"})
  void rejectsEachReservedEventName(String event) {
    assertThatThrownBy(() -> decoder.decode("2[\"" + event + "\",1]"))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("'" + event + "' is a reserved event name");
    assertThatThrownBy(() -> decoder.decode("51-/admin,4[\"" + event + "\"," + PH0 + "]"))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("'" + event + "' is a reserved event name");
    assertThat(decoder.awaitsAttachments()).isFalse();
  }

  @Test
  void staysUsableAfterEachRejectedPacket() {
    badPackets().forEach(arguments -> {
      String wire = (String) arguments.get()[0];
      assertThatThrownBy(() -> decoder.decode(wire)).isExactlyInstanceOf(ProtocolException.class);

      SocketPacket next = decoder.decode("2/admin,5[\"ok\",1]");

      assertThat(next).as("after %s", wire)
          .isEqualTo(new SocketPacket(SocketPacketType.EVENT, "/admin", 5, SocketSpecExamples.parse("[\"ok\",1]")));
    });
  }

  @Test
  void randomGarbageRaisesNothingButProtocolException() {
    long seed = Long.getLong("notify.test.seed", System.nanoTime());
    Random random = new Random(seed);
    String[] pieces = {"0", "1", "2", "3", "4", "5", "6", "7", "9", "12", "-", "/", "/admin", ",", "[", "]", "{",
        "}", "\"", "\"a\"", "_placeholder", "\"_placeholder\":true", "\"num\":", "0", "1", "-1", ":", "true",
        "null", "1e999", "9999999999999999999", "\\", "\u001e", "😀", " ", "x", "[[[[[[[[", "]]]]]]]]", "connect"};
    for (int i = 0; i < 10_000; i++) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      String wire = sb.toString();
      try {
        decoder.decode(wire);
        while (decoder.awaitsAttachments() && random.nextInt(4) != 0) {
          decoder.decode(new byte[random.nextInt(3)]);
        }
        if (decoder.awaitsAttachments() && random.nextBoolean()) {
          decoder.decode("2[\"x\"]");
        }
      } catch (ProtocolException expected) {
        // the only exception allowed
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + " (rerun with -Dnotify.test.seed=" + seed + "): " + wire, e);
      }
    }
  }

  @Test
  void rejectsBinaryDataWhenNoPacketAnnouncedAttachments() {
    assertThatThrownBy(() -> decoder.decode(new byte[] {1, 2, 3}))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("unexpected binary data: no packet announced attachments");

    assertThat(decoder.decode("2[\"ok\"]").event()).isEqualTo("ok");
  }

  @Test
  void rejectsBinaryDataAfterTheLastAttachmentOfAPacket() {
    decoder.decode("51-[\"a\"," + PH0 + "]");
    assertThat(decoder.decode(new byte[] {1})).isNotNull();

    assertThatThrownBy(() -> decoder.decode(new byte[] {2}))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("no packet announced attachments");
  }

  @Test
  void rejectsATextPacketWhileAttachmentsAreAwaitedAndKeepsWaitingForThem() {
    assertThat(decoder.decode("52-[\"a\"," + PH0 + "," + PH1 + "]")).isNull();
    assertThat(decoder.decode(new byte[] {1})).isNull();

    assertThatThrownBy(() -> decoder.decode("2[\"b\"]"))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("expected binary attachment 1 of 2, got a text packet");

    // as the reference parser: the packet under reconstruction is kept, the stray text packet is dropped
    assertThat(decoder.awaitsAttachments()).isTrue();
    SocketPacket packet = decoder.decode(new byte[] {2});
    assertThat(packet.event()).isEqualTo("a");
    assertThat(packet.data()).containsExactly(SocketSpecExamples.parse("\"a\""), BinaryNode.valueOf(new byte[] {1}),
        BinaryNode.valueOf(new byte[] {2}));
  }

  @Test
  void rejectsATextPacketWhileAttachmentsAreAwaitedEvenIfEmpty() {
    decoder.decode("51-[\"a\"," + PH0 + "]");

    assertThatThrownBy(() -> decoder.decode(""))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessageContaining("expected binary attachment 0 of 1");
  }

  @Test
  void refusesAPacketAnnouncingMoreAttachmentsThanAllowedAsTooLarge() {
    SocketPacketDecoder limited = new SocketPacketDecoder(MAPPER.reader(), 2, 1_000);

    assertThatThrownBy(() -> limited.decode("53-[\"a\"," + PH0 + "," + PH1 + ",{\"_placeholder\":true,\"num\":2}]"))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("packet announces 3 attachments, more than the 2 allowed")
        .matches(e -> ((ProtocolException) e).tooLarge(), "too large");
    assertThat(limited.awaitsAttachments()).isFalse();
  }

  @Test
  void refusesAttachmentsThatTakeThePacketPastItsByteLimitWhenTheyArrive() {
    SocketPacketDecoder limited = new SocketPacketDecoder(MAPPER.reader(), 10, 1_000);
    assertThat(limited.decode("52-[\"a\"," + PH0 + "," + PH1 + "]")).isNull();
    assertThat(limited.decode(new byte[500])).isNull();

    assertThatThrownBy(() -> limited.decode(new byte[501]))
        .isExactlyInstanceOf(ProtocolException.class)
        .hasMessage("attachments of one packet exceed 1000 bytes: 1001 bytes at attachment 2 of 2")
        .matches(e -> ((ProtocolException) e).tooLarge(), "too large");
    assertThat(limited.awaitsAttachments()).as("nothing of the refused packet is kept").isFalse();
  }

  @Test
  void acceptsAttachmentsOfExactlyTheByteLimit() throws Exception {
    SocketPacketDecoder limited = new SocketPacketDecoder(MAPPER.reader(), 10, 1_000);
    limited.decode("52-[\"a\"," + PH0 + "," + PH1 + "]");
    limited.decode(new byte[400]);

    SocketPacket packet = limited.decode(new byte[600]);

    assertThat(packet.data().get(2).binaryValue()).hasSize(600);
  }

  @Test
  void aSyntaxErrorIsNotTooLarge() {
    assertThatThrownBy(() -> decoder.decode("9"))
        .isExactlyInstanceOf(ProtocolException.class)
        .matches(e -> !((ProtocolException) e).tooLarge(), "not too large");
  }
}
