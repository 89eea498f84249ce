package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Handshake;
import dev.notify.core.server.Socket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the server knows of a connection: the client's auth payload and the HTTP request it came with. */
class HandshakeIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void theServerSeesTheAuthPayloadTheClientConnectedWith() {
    TestClient client = fixture.connect(o -> o.auth = Map.of("token", "abc"));

    Socket socket = fixture.awaitServerSocket();

    assertThat(socket.id()).isEqualTo(client.id());
    assertThat(socket.handshake().auth().path("token").asText()).isEqualTo("abc");
    assertThat(socket.handshake().auth().size()).isEqualTo(1);
  }

  @Test
  void aClientWithoutAuthHasAnEmptyAuthObject() {
    fixture.connect();

    Handshake handshake = fixture.awaitServerSocket().handshake();

    assertThat(handshake.auth().isObject()).isTrue();
    assertThat(handshake.auth().isEmpty()).isTrue();
  }

  @Test
  void theHandshakeHoldsTheHeadersQueryAddressUrlAndTimeOfTheUpgradeRequest() {
    long before = System.currentTimeMillis();
    fixture.connect(o -> {
      o.query = "room=lobby&lang=fr";
      o.extraHeaders = Map.of("X-Trace-Id", List.of("trace-1"));
    });
    long after = System.currentTimeMillis();

    Handshake handshake = fixture.awaitServerSocket().handshake();

    assertThat(handshake.header("host")).isEqualTo("127.0.0.1:" + fixture.port());
    assertThat(handshake.header("X-TRACE-ID")).isEqualTo("trace-1");
    assertThat(handshake.header("user-agent")).startsWith("okhttp/");
    assertThat(handshake.headers()).containsKeys("host", "upgrade", "sec-websocket-key");
    assertThat(handshake.query()).containsEntry("EIO", "4").containsEntry("transport", "websocket")
        .containsEntry("room", "lobby").containsEntry("lang", "fr");
    assertThat(handshake.url()).startsWith("/socket.io/?").contains("EIO=4", "transport=websocket",
        "room=lobby", "lang=fr");
    // Tyrus exposes the peer address; "" would mean the container does not
    assertThat(handshake.address()).isEqualTo("127.0.0.1");
    assertThat(handshake.issued()).isBetween(before, after);
    assertThat(Instant.parse(handshake.time()).toEpochMilli()).isEqualTo(handshake.issued());
    assertThat(handshake.secure()).isFalse();
    assertThat(handshake.xdomain()).isFalse();
  }
}
