package dev.notify.core.internal.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every packet example of the Socket.IO v5 spec (socketio/socket.io-protocol Readme: "Packet encoding" and
 * "Sample session"), as packet and encoding, for the encoder and decoder tests.
 */
final class SocketSpecExamples {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One example.
   *
   * @param wire the Socket.IO encoding, without the Engine.IO message digit {@code 4}
   * @param data the decoded payload, binary values as {@link BinaryNode}, or {@code null}
   */
  record Example(String name, SocketPacketType type, String namespace, long ackId, JsonNode data, String wire,
      List<byte[]> attachments) {

    @Override
    public String toString() {
      return name + ": " + wire;
    }
  }

  private SocketSpecExamples() {
  }

  static Stream<Arguments> all() {
    return examples().stream().map(Arguments::of);
  }

  static List<Example> examples() {
    byte[] b1234 = {1, 2, 3, 4};
    byte[] b12 = {1, 2};
    byte[] b34 = {3, 4};
    long none = SocketPacket.NO_ACK;
    String ph0 = "{\"_placeholder\":true,\"num\":0}";
    String ph1 = "{\"_placeholder\":true,\"num\":1}";
    return List.of(
        // Packet encoding > Connection to a namespace
        text("CONNECT to the main namespace", SocketPacketType.CONNECT, "/", none, null, "0"),
        text("CONNECT answer of a custom namespace", SocketPacketType.CONNECT, "/admin", none,
            "{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}", "0/admin,{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}"),
        text("CONNECT with an auth payload", SocketPacketType.CONNECT, "/admin", none, "{\"token\":\"123\"}",
            "0/admin,{\"token\":\"123\"}"),
        text("CONNECT_ERROR", SocketPacketType.CONNECT_ERROR, "/", none, "{\"message\":\"Not authorized\"}",
            "4{\"message\":\"Not authorized\"}"),
        // Packet encoding > Sending and receiving data
        text("EVENT in the main namespace", SocketPacketType.EVENT, "/", none, "[\"foo\"]", "2[\"foo\"]"),
        text("EVENT in a custom namespace", SocketPacketType.EVENT, "/admin", none, "[\"bar\"]",
            "2/admin,[\"bar\"]"),
        binary("BINARY_EVENT with one attachment", SocketPacketType.BINARY_EVENT, "/", none,
            "[\"baz\"," + ph0 + "]", "51-[\"baz\"," + ph0 + "]", b1234),
        binary("BINARY_EVENT with two attachments in a custom namespace", SocketPacketType.BINARY_EVENT, "/admin",
            none, "[\"baz\"," + ph0 + "," + ph1 + "]", "52-/admin,[\"baz\"," + ph0 + "," + ph1 + "]", b12, b34),
        // Packet encoding > Acknowledgement
        text("EVENT with an ack id", SocketPacketType.EVENT, "/", 12, "[\"foo\"]", "212[\"foo\"]"),
        text("ACK in a custom namespace", SocketPacketType.ACK, "/admin", 13, "[\"bar\"]", "3/admin,13[\"bar\"]"),
        binary("BINARY_ACK", SocketPacketType.BINARY_ACK, "/", 15, "[\"bar\"," + ph0 + "]",
            "61-15[\"bar\"," + ph0 + "]", b1234),
        // Packet encoding > Disconnection from a namespace
        text("DISCONNECT from the main namespace", SocketPacketType.DISCONNECT, "/", none, null, "1"),
        text("DISCONNECT from a custom namespace", SocketPacketType.DISCONNECT, "/admin", none, null, "1/admin,"),
        // Exchange protocol > Acknowledgement: the packets of its examples
        text("ACK with an empty payload", SocketPacketType.ACK, "/", 12, "[]", "312[]"),
        text("EVENT with an ack id in a custom namespace", SocketPacketType.EVENT, "/admin", 13, "[\"foo\"]",
            "2/admin,13[\"foo\"]"),
        binary("BINARY_EVENT with an ack id", SocketPacketType.BINARY_EVENT, "/", 14, "[\"foo\"," + ph0 + "]",
            "51-14[\"foo\"," + ph0 + "]", b1234),
        text("ACK of a binary event", SocketPacketType.ACK, "/", 14, "[\"bar\"]", "314[\"bar\"]"),
        // Sample session
        text("CONNECT answer of the main namespace", SocketPacketType.CONNECT, "/", none,
            "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}", "0{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"),
        text("EVENT with two arguments", SocketPacketType.EVENT, "/", none, "[\"hey\",\"Jude\"]",
            "2[\"hey\",\"Jude\"]"),
        text("CONNECT to a custom namespace without payload", SocketPacketType.CONNECT, "/admin", none, null,
            "0/admin,"),
        text("CONNECT answer with dashes in the sid", SocketPacketType.CONNECT, "/admin", none,
            "{\"sid\":\"-G5j-67EZFp-q59rADQM\"}", "0/admin,{\"sid\":\"-G5j-67EZFp-q59rADQM\"}"),
        text("EVENT with ack id 1 in a custom namespace", SocketPacketType.EVENT, "/admin", 1, "[\"tellme\"]",
            "2/admin,1[\"tellme\"]"),
        binary("BINARY_ACK in a custom namespace", SocketPacketType.BINARY_ACK, "/admin", 1, "[" + ph0 + "]",
            "61-/admin,1[" + ph0 + "]", b1234));
  }

  private static Example text(String name, SocketPacketType type, String namespace, long ackId, String json,
      String wire) {
    return new Example(name, type, namespace, ackId, json == null ? null : parse(json), wire, List.of());
  }

  private static Example binary(String name, SocketPacketType type, String namespace, long ackId, String json,
      String wire, byte[]... attachments) {
    return new Example(name, type, namespace, ackId, withBinaries(parse(json), List.of(attachments)), wire,
        List.of(attachments));
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of {@code node} with each placeholder replaced by its attachment. */
  static JsonNode withBinaries(JsonNode node, List<byte[]> attachments) {
    if (node.isObject() && node.path("_placeholder").asBoolean() && node.has("num")) {
      return BinaryNode.valueOf(attachments.get(node.get("num").intValue()));
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = MAPPER.createArrayNode();
      array.forEach(child -> copy.add(withBinaries(child, attachments)));
      return copy;
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = MAPPER.createObjectNode();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        copy.set(field.getKey(), withBinaries(field.getValue(), attachments));
      }
      return copy;
    }
    return node;
  }
}
