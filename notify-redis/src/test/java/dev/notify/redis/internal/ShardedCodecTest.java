package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.notify.core.adapter.cluster.ClusterMessage;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sharded (cluster-adapter) schema against the message captured from Node's sharded adapter. */
class ShardedCodecTest {

  private final ShardedCodec codec = new ShardedCodec("/");

  @Test
  void decodesTheCapturedBroadcast() throws Exception {
    String captured = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"from-server\",{\"from\":\"C\"}]},"
        + "\"opts\":{\"rooms\":[\"room1\"],\"except\":[\"room2\"],\"flags\":{}}},\"uid\":\"fd3d9e826e297410\","
        + "\"nsp\":\"/\"}";

    Broadcast b = (Broadcast) codec.decode(captured.getBytes(StandardCharsets.UTF_8));

    assertThat(b.uid()).isEqualTo("fd3d9e826e297410");
    assertThat(b.data().toString()).isEqualTo("[\"from-server\",{\"from\":\"C\"}]");
    assertThat(b.opts().rooms()).containsExactly("room1");
    assertThat(b.opts().except()).containsExactly("room2");
  }

  @Test
  void encodesJsonWithoutBinaryAndMsgpackWithIt() throws Exception {
    ArrayNode text = JsonNodeFactory.instance.arrayNode().add("from-server");
    text.addObject().put("from", "C");
    BroadcastOptions opts = new BroadcastOptions(Set.of("room1"), Set.of("room2"), false, false, false, null);

    byte[] json = codec.encode(new Broadcast("fd3d9e826e297410", text, opts, null));
    assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"type\":3,\"data\":{\"packet\":{\"type\":2,"
        + "\"data\":[\"from-server\",{\"from\":\"C\"}]},\"opts\":{\"rooms\":[\"room1\"],\"except\":[\"room2\"],"
        + "\"flags\":{}}},\"uid\":\"fd3d9e826e297410\",\"nsp\":\"/\"}");

    ArrayNode binary = JsonNodeFactory.instance.arrayNode().add("file").add(new byte[] {9});
    byte[] msgpack = codec.encode(new Broadcast("fd3d9e826e297410", binary, opts, null));
    assertThat(msgpack[0]).isNotEqualTo((byte) '{');
    assertThat(((Broadcast) codec.decode(msgpack)).data().get(1).binaryValue()).containsExactly(9);
  }

  @Test
  void responsesRoundTrip() throws Exception {
    BroadcastClientCount count = (BroadcastClientCount) codec.decode(codec.encode(
        new BroadcastClientCount("aaaa", "r1", 3)));
    assertThat(count.clientCount()).isEqualTo(3);
    assertThat(count.uid()).isEqualTo("aaaa");

    BroadcastAck ack = (BroadcastAck) codec.decode(codec.encode(new BroadcastAck("aaaa", "r1",
        JsonNodeFactory.instance.textNode("ok"))));
    assertThat(ack.ack().asText()).isEqualTo("ok");
  }

  @Test
  void heartbeatsAndOtherNamespacesAreIgnored() throws Exception {
    assertThat(codec.decode(bytes("{\"type\":2,\"uid\":\"x\",\"nsp\":\"/\"}"))).isNull();
    assertThat(codec.decode(bytes("{\"type\":13,\"uid\":\"x\",\"nsp\":\"/\"}"))).isNull();
    assertThat(codec.decode(bytes("{\"type\":4,\"uid\":\"x\",\"nsp\":\"/admin\",\"data\":{\"rooms\":[\"r\"]}}")))
        .isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"type\":99,\"nsp\":\"/\"}", "{\"type\":3,\"nsp\":\"/\",\"data\":{}}",
      "{\"type\":7,\"nsp\":\"/\",\"data\":{}}", "{\"type\":4,\"nsp\":\"/\",\"data\":{\"rooms\":\"r\"}}"})
  void malformedMessagesRaiseOneExceptionType(String text) {
    assertThatThrownBy(() -> codec.decode(bytes(text))).isInstanceOf(MalformedMessageException.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
