package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.DisconnectSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketsJoin;
import dev.notify.core.adapter.cluster.ClusterMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classic wire format against bytes and JSON captured from Node's redis-adapter 8.x and redis-emitter 5.x. */
class ClassicCodecTest {

  private final ClassicCodec codec = new ClassicCodec("/");

  /** {@code to("room1").emit("hello", {via: "emitter", n: 1})} from @socket.io/redis-emitter, as captured. */
  private static byte[] emitterBroadcast() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(HexFormat.of().parseHex("93a7"));
    b.writeBytes(ascii("emitter"));
    b.writeBytes(HexFormat.of().parseHex("83a4"));
    b.writeBytes(ascii("type"));
    b.write(0x02);
    b.write(0xa4);
    b.writeBytes(ascii("data"));
    b.write(0x92);
    b.write(0xa5);
    b.writeBytes(ascii("hello"));
    b.write(0x82);
    b.write(0xa3);
    b.writeBytes(ascii("via"));
    b.write(0xa7);
    b.writeBytes(ascii("emitter"));
    b.write(0xa1);
    b.writeBytes(ascii("n"));
    b.write(0x01);
    b.write(0xa3);
    b.writeBytes(ascii("nsp"));
    b.write(0xa1);
    b.writeBytes(ascii("/"));
    b.write(0x83);
    b.write(0xa5);
    b.writeBytes(ascii("rooms"));
    b.write(0x91);
    b.write(0xa5);
    b.writeBytes(ascii("room1"));
    b.write(0xa5);
    b.writeBytes(ascii("flags"));
    b.write(0x80);
    b.write(0xa6);
    b.writeBytes(ascii("except"));
    b.write(0x90);
    return b.toByteArray();
  }

  @Test
  void decodesTheNodeEmittersBroadcastBytes() throws Exception {
    Broadcast b = codec.decodeBroadcast(emitterBroadcast());

    assertThat(b.uid()).isEqualTo("emitter");
    assertThat(b.data().toString()).isEqualTo("[\"hello\",{\"via\":\"emitter\",\"n\":1}]");
    assertThat(b.opts().rooms()).containsExactly("room1");
    assertThat(b.opts().except()).isEmpty();
    assertThat(b.requestId()).isNull();
  }

  @Test
  void encodesABroadcastAsTheNodeAdapterDoes() {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("hello");
    data.addObject().put("via", "emitter").put("n", 1);

    byte[] bytes = codec.encodeBroadcast("emitter", data, new BroadcastOptions(Set.of("room1"), Set.of(), false,
        false, false, null));

    // the adapter orders opts {rooms, except, flags}; the emitter {rooms, flags, except}: same content
    byte[] expected = emitterBroadcast();
    assertThat(bytes).hasSize(expected.length);
    assertThat(HexFormat.of().formatHex(bytes)).startsWith(HexFormat.of().formatHex(expected, 0, expected.length
        - 22));
    assertThat(readMsgpack(bytes)).isEqualTo(readMsgpack(expected));
  }

  @Test
  void recognizesItsOwnBroadcastsByTheirFirstBytes() {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("hello").add(1);
    BroadcastOptions opts = new BroadcastOptions(Set.of("room1"), Set.of(), false, false, false, null);
    byte[] own = ClassicCodec.broadcastPrefix("XlvPcv");

    assertThat(ClassicCodec.startsWith(codec.encodeBroadcast("XlvPcv", data, opts), own)).isTrue();
    // another node's uid, one the uid starts with, one that starts with it, and the Node emitter's
    assertThat(ClassicCodec.startsWith(codec.encodeBroadcast("XlvPcw", data, opts), own)).isFalse();
    assertThat(ClassicCodec.startsWith(codec.encodeBroadcast("XlvPc", data, opts), own)).isFalse();
    assertThat(ClassicCodec.startsWith(codec.encodeBroadcast("XlvPcvv", data, opts), own)).isFalse();
    assertThat(ClassicCodec.startsWith(emitterBroadcast(), own)).isFalse();
    assertThat(ClassicCodec.startsWith(new byte[] {(byte) 0x93}, own)).isFalse();
  }

  @Test
  void binaryArgumentsTravelAsMsgpackBin() throws Exception {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("file");
    data.add(new byte[] {1, 2, 3});

    byte[] bytes = codec.encodeBroadcast("abcdef", data, BroadcastOptions.ALL);

    assertThat(HexFormat.of().formatHex(bytes)).contains("c403010203"); // bin8, 3 bytes
    Broadcast back = codec.decodeBroadcast(bytes);
    assertThat(back.data().get(1).binaryValue()).containsExactly(1, 2, 3);
  }

  @Test
  void decodesTheCapturedRequests() throws Exception {
    FetchSockets fetch = (FetchSockets) codec.decodeRequest(json(
        "{\"uid\":\"XlvPcv\",\"requestId\":\"0KPJM0\",\"type\":5,\"opts\":{\"rooms\":[\"room1\"],\"except\":[]}}"));
    assertThat(fetch.uid()).isEqualTo("XlvPcv");
    assertThat(fetch.requestId()).isEqualTo("0KPJM0");
    assertThat(fetch.opts().rooms()).containsExactly("room1");

    ServerSideEmit emit = (ServerSideEmit) codec.decodeRequest(json(
        "{\"uid\":\"xjAngS\",\"type\":6,\"data\":[\"hello-servers\",{\"from\":\"A\"},42]}"));
    assertThat(emit.requestId()).isNull();
    assertThat(emit.data().toString()).isEqualTo("[\"hello-servers\",{\"from\":\"A\"},42]");

    SocketsJoin join = (SocketsJoin) codec.decodeRequest(json(
        "{\"type\":2,\"opts\":{\"rooms\":[\"room1\"],\"except\":[]},\"rooms\":[\"room3\"]}"));
    assertThat(join.uid()).isNull();
    assertThat(join.rooms()).containsExactly("room3");

    DisconnectSockets disconnect = (DisconnectSockets) codec.decodeRequest(json(
        "{\"type\":4,\"opts\":{\"rooms\":[],\"except\":[\"vip\"]},\"close\":true}"));
    assertThat(disconnect.close()).isTrue();
    assertThat(disconnect.opts().except()).containsExactly("vip");
  }

  @Test
  void aBroadcastWithAckIsAMsgpackRequestWithItsTimeout() throws Exception {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("need-ack").add(1);
    BroadcastOptions opts = new BroadcastOptions(Set.of("room1"), Set.of(), false, false, false,
        Duration.ofMillis(2000));

    byte[] bytes = codec.encodeRequest(new Broadcast("xjAngS", data, opts, "nKURS-"));

    assertThat(bytes[0]).isNotEqualTo((byte) '{');
    assertThat(Payloads.read(bytes).toString()).isEqualTo("{\"uid\":\"xjAngS\",\"requestId\":\"nKURS-\",\"type\":7,"
        + "\"packet\":{\"type\":2,\"data\":[\"need-ack\",1],\"nsp\":\"/\"},\"opts\":{\"rooms\":[\"room1\"],"
        + "\"except\":[],\"flags\":{\"timeout\":2000}}}");
    Broadcast back = (Broadcast) codec.decodeRequest(bytes);
    assertThat(back.requestId()).isEqualTo("nKURS-");
    assertThat(back.opts().timeout()).isEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void untypedResponsesAreReadAsWhatThisNodeAskedFor() throws Exception {
    byte[] sockets = json("{\"requestId\":\"0KPJM0\",\"sockets\":[{\"id\":\"abc\",\"handshake\":{\"url\":\"/x\"},"
        + "\"rooms\":[\"abc\",\"room1\"],\"data\":{\"user\":\"bob\"}}]}");

    FetchSocketsResponse r = (FetchSocketsResponse) codec.decodeResponse(sockets, id -> FetchSockets.class);
    assertThat(r.sockets()).hasSize(1);
    assertThat(r.sockets().get(0).rooms()).containsExactlyInAnyOrder("abc", "room1");
    assertThat(r.sockets().get(0).data().path("user").asText()).isEqualTo("bob");
    assertThat(codec.decodeResponse(sockets, id -> null)).as("not ours").isNull();

    ServerSideEmitResponse answer = (ServerSideEmitResponse) codec.decodeResponse(json(
        "{\"type\":6,\"requestId\":\"qAEMNO\",\"data\":\"answer-from-B\"}"), id -> ServerSideEmit.class);
    assertThat(answer.answer().asText()).isEqualTo("answer-from-B");
  }

  @Test
  void broadcastsOfAnotherNamespaceAreIgnored() throws Exception {
    ArrayNode data = JsonNodeFactory.instance.arrayNode().add("e");
    byte[] admin = new ClassicCodec("/admin").encodeBroadcast("abcdef", data, BroadcastOptions.ALL);

    assertThat(codec.decodeBroadcast(admin)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "{\"type\":\"x\"}", "{\"type\":99,\"requestId\":\"a\"}", "[1,2]",
      "{\"type\":5,\"opts\":{}}", "{\"type\":6,\"data\":[]}", "{\"type\":2,\"rooms\":[\"r\"]}"})
  void malformedRequestsRaiseOneExceptionType(String text) {
    assertThatThrownBy(() -> codec.decodeRequest(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void aPacketThatIsNotAnEventIsRefused() {
    byte[] bytes = Payloads.msgpack(Payloads.JSON.createArrayNode().add("uid").add(Payloads.JSON.createObjectNode()
        .put("type", 1).put("nsp", "/")).add(Payloads.JSON.createObjectNode()));

    assertThatThrownBy(() -> codec.decodeBroadcast(bytes)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("packet type 1 cannot be broadcast");
  }

  @Test
  void requestsWithoutUidStayWithoutUid() throws Exception {
    byte[] bytes = codec.encodeRequest(new SocketsJoin(null, BroadcastOptions.ALL, List.of("r")));

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":2,\"opts\":{\"rooms\":[],\"except\":[]},\"rooms\":[\"r\"]}");
  }

  private static com.fasterxml.jackson.databind.JsonNode readMsgpack(byte[] bytes) {
    try {
      return Payloads.MSGPACK.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
