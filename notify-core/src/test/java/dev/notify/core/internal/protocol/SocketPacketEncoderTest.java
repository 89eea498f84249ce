package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.internal.protocol.SocketSpecExamples.Example;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Socket.IO v5 encoding: the spec examples, and binary values found at any depth. */
class SocketPacketEncoderTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PH0 = "{\"_placeholder\":true,\"num\":0}";
  private static final String PH1 = "{\"_placeholder\":true,\"num\":1}";
  private static final String PH2 = "{\"_placeholder\":true,\"num\":2}";

  private final SocketPacketEncoder encoder = new SocketPacketEncoder(MAPPER);

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.notify.core.internal.protocol.SocketSpecExamples#all")
  void encodesEachExampleOfTheSpecAsEngineIoFrames(Example example) {
    // binary types are not asked for: the encoder finds the binary values and picks them itself
    SocketPacketType asked = switch (example.type()) {
      case BINARY_EVENT -> SocketPacketType.EVENT;
      case BINARY_ACK -> SocketPacketType.ACK;
      default -> example.type();
    };

    List<Frame> frames = encoder.encode(asked, example.namespace(), example.ackId(), example.data());

    assertThat(frames).hasSize(1 + example.attachments().size());
    assertThat(frames.get(0).isBinary()).isFalse();
    assertThat(frames.get(0).text()).isEqualTo("4" + example.wire());
    for (int i = 0; i < example.attachments().size(); i++) {
      assertThat(frames.get(i + 1).isBinary()).isTrue();
      assertThat(frames.get(i + 1).binary()).isEqualTo(example.attachments().get(i));
    }
  }

  @Test
  void encodeEventPutsTheEventNameFirst() {
    assertThat(texts(encoder.encodeEvent("/", SocketPacket.NO_ACK, "hey", new Object[] {"Jude"})))
        .containsExactly("42[\"hey\",\"Jude\"]");
    assertThat(texts(encoder.encodeEvent("/", 12, "foo", new Object[0]))).containsExactly("4212[\"foo\"]");
    assertThat(texts(encoder.encodeEvent("/admin", 13, "foo", new Object[0])))
        .containsExactly("42/admin,13[\"foo\"]");
  }

  @Test
  void encodeAckWritesTheArgumentsAsTheArray() {
    assertThat(texts(encoder.encodeAck("/admin", 13, new Object[] {"bar"}))).containsExactly("43/admin,13[\"bar\"]");
    assertThat(texts(encoder.encodeAck("/", 12, new Object[0]))).containsExactly("4312[]");
  }

  @Test
  void aByteArrayArgumentBecomesAnAttachmentOfABinaryEvent() {
    byte[] data = {1, 2, 3, 4};

    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "baz", new Object[] {data});

    assertThat(frames.get(0).text()).isEqualTo("451-[\"baz\"," + PH0 + "]");
    assertThat(frames.get(1).binary()).isSameAs(data);
  }

  @Test
  void binaryInAnAckMakesABinaryAckThatKeepsTheAckIdAndNamespace() {
    List<Frame> frames = encoder.encodeAck("/admin", 1, new Object[] {new byte[] {9}});

    assertThat(frames.get(0).text()).isEqualTo("461-/admin,1[" + PH0 + "]");
    assertThat(frames.get(1).binary()).containsExactly(9);
  }

  @Test
  void aByteBufferBecomesAnAttachmentOfItsRemainingBytes() {
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5}, 2, 3); // position 2, limit 5
    ByteBuffer sliced = ByteBuffer.wrap(new byte[] {7, 7, 8, 9}).position(2).slice();
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {5, 6, 7}).flip();

    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "buffers", new Object[] {heap, sliced, direct});

    assertThat(frames.get(0).text()).isEqualTo("453-[\"buffers\"," + PH0 + "," + PH1 + "," + PH2 + "]");
    assertThat(frames.get(1).binary()).containsExactly(2, 3, 4);
    assertThat(frames.get(2).binary()).containsExactly(8, 9);
    assertThat(frames.get(3).binary()).containsExactly(5, 6, 7);
    assertThat(heap.position()).as("the caller's buffer is not consumed").isEqualTo(2);
  }

  @Test
  void aJacksonBinaryNodeInATreeBecomesAnAttachment() {
    ObjectNode tree = MAPPER.createObjectNode().put("name", "avatar.png");
    tree.set("content", BinaryNode.valueOf(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));

    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "upload", new Object[] {tree});

    assertThat(frames.get(0).text()).isEqualTo("451-[\"upload\",{\"name\":\"avatar.png\",\"content\":" + PH0 + "}]");
    assertThat(frames.get(1).binary()).containsExactly(0x89, 'P', 'N', 'G');
  }

  @JsonPropertyOrder({"title", "thumbnail", "pages"})
  record Document(String title, byte[] thumbnail, List<Object> pages) {
  }

  @Test
  void binaryValuesNestedInMapsPojosAndListsBecomeAttachmentsInOrder() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("first", new byte[] {0});
    meta.put("list", List.of("x", ByteBuffer.wrap(new byte[] {1}), Map.of("deep", BinaryNode.valueOf(new byte[] {2}))));
    Document document = new Document("doc", new byte[] {3}, List.of(List.of(new byte[] {4}), "text"));
    ObjectNode tree = MAPPER.createObjectNode();
    tree.putPOJO("pojo", new byte[] {5});

    List<Frame> frames = encoder.encodeEvent("/files", 7, "save", new Object[] {meta, document, tree});

    assertThat(frames.get(0).text()).isEqualTo("456-/files,7[\"save\","
        + "{\"first\":" + PH0 + ",\"list\":[\"x\"," + PH1 + ",{\"deep\":" + PH2 + "}]},"
        + "{\"title\":\"doc\",\"thumbnail\":{\"_placeholder\":true,\"num\":3},"
        + "\"pages\":[[{\"_placeholder\":true,\"num\":4}],\"text\"]},"
        + "{\"pojo\":{\"_placeholder\":true,\"num\":5}}]");
    assertThat(frames.subList(1, frames.size())).extracting(Frame::binary)
        .containsExactly(new byte[] {0}, new byte[] {1}, new byte[] {2}, new byte[] {3}, new byte[] {4},
            new byte[] {5});
  }

  @Test
  void theSameArrayTwiceGivesTwoAttachments() {
    byte[] data = {1};

    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "twice", new Object[] {data, data});

    assertThat(frames.get(0).text()).isEqualTo("452-[\"twice\"," + PH0 + "," + PH1 + "]");
    assertThat(frames).hasSize(3);
  }

  @Test
  void anEmptyByteArrayIsStillAnAttachment() {
    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "empty", new Object[] {new byte[0]});

    assertThat(frames.get(0).text()).isEqualTo("451-[\"empty\"," + PH0 + "]");
    assertThat(frames.get(1).binary()).isEmpty();
  }

  @Test
  void aPayloadWithoutBinaryStaysAPlainEventInOneFrame() {
    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "plain",
        new Object[] {Map.of("n", 1), List.of(true, "s"), null, 2.5});

    assertThat(texts(frames)).containsExactly("42[\"plain\",{\"n\":1},[true,\"s\"],null,2.5]");
  }

  @Test
  void theRecordSeparatorInAStringIsEscapedSoPollingPayloadsStayParseable() {
    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "rs", new Object[] {"a\u001eb"});

    assertThat(frames.get(0).text()).doesNotContain("\u001e").isEqualTo("42[\"rs\",\"a\\u001Eb\"]");
    SocketPacket decoded = new SocketPacketDecoder(MAPPER).decode(frames.get(0).text().substring(1));
    assertThat(decoded.data().get(1).textValue()).isEqualTo("a\u001eb");
  }

  @Test
  void nonAsciiTextIsWrittenAsIs() {
    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "€", new Object[] {"😀"});

    assertThat(frames.get(0).text()).isEqualTo("42[\"€\",\"😀\"]");
  }

  @Test
  void binaryInAPacketTypeThatCannotCarryItIsRefused() {
    JsonNode auth = MAPPER.createObjectNode().set("key", BinaryNode.valueOf(new byte[] {1}));

    assertThatThrownBy(() -> encoder.encode(SocketPacketType.CONNECT, "/", SocketPacket.NO_ACK, auth))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CONNECT packets cannot carry binary data");
  }

  @Test
  void aPayloadJacksonCannotSerializeIsRefusedNamingThePacketType() {
    assertThatThrownBy(() -> encoder.encodeEvent("/", SocketPacket.NO_ACK, "bad", new Object[] {new Object()}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot serialize payload of EVENT packet");
  }

  @Test
  void framesAreImmutable() {
    List<Frame> frames = encoder.encodeEvent("/", SocketPacket.NO_ACK, "baz", new Object[] {new byte[] {1}});

    assertThatThrownBy(() -> frames.add(Frame.PING)).isInstanceOf(UnsupportedOperationException.class);
  }

  private static List<String> texts(List<Frame> frames) {
    return frames.stream().map(Frame::text).toList();
  }
}
