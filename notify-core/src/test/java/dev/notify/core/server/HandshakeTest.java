package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.internal.engine.TestRequests;
import org.junit.jupiter.api.Test;

/** What a socket's handshake tells about its connection, and what crosses to other nodes. */
class HandshakeTest {

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void withoutAuthOrWithAnEmptyOneAuthIsAnEmptyObject() {
    Handshake none = new Handshake(TestRequests.handshake("websocket"), null, 1_000);
    Handshake empty = new Handshake(TestRequests.handshake("websocket"), mapper.createObjectNode(), 1_000);

    assertThat(none.auth().isObject()).isTrue();
    assertThat(none.auth().isEmpty()).isTrue();
    assertThat(empty.auth().isObject()).isTrue();
    assertThat(empty.auth().isEmpty()).isTrue();
    assertThat(none.auth().path("token").asText(null)).isNull();
  }

  @Test
  void theAuthTheClientSentIsKeptAndCrossesToOtherNodes() {
    ObjectNode auth = mapper.createObjectNode().put("token", "t-1").put("deviceId", "phone");
    Handshake handshake = new Handshake(TestRequests.request("/socket.io/?EIO=4&transport=websocket&room=a",
        "User-Agent", "test"), auth, 1_000);

    Handshake copy = Handshake.fromJson(handshake.toJson(mapper));

    assertThat(handshake.auth().path("token").asText()).isEqualTo("t-1");
    assertThat(copy.auth()).isEqualTo(auth);
    assertThat(copy.header("user-agent")).isEqualTo("test");
    assertThat(copy.query()).containsEntry("room", "a");
    assertThat(copy.issued()).isEqualTo(1_000);
    assertThat(Handshake.fromJson(new Handshake(TestRequests.handshake("polling"), null, 1).toJson(mapper)).auth()
        .isEmpty()).isTrue();
  }
}
