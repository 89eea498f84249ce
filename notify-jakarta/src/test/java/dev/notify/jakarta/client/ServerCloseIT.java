package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.AckException;
import dev.notify.core.server.Args;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code io.close()}: every connection closes without a Socket.IO DISCONNECT, so clients see {@code transport
 * close} and reconnect (to another node, in a cluster), and acks still pending fail.
 */
class ServerCloseIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void closingTheServerClosesEveryConnectionAndClientsTryToReconnect() {
    Recorder<DisconnectReason> reasons = new Recorder<>();
    fixture.io().onConnection(socket -> socket.onDisconnect(reasons::add));
    List<TestClient> clients = List.of(reconnectingClient(), reconnectingClient());
    fixture.awaitServerSocket();
    fixture.awaitServerSocket();

    fixture.io().close();

    assertThat(reasons.next(2)).containsOnly(DisconnectReason.SERVER_SHUTTING_DOWN);
    for (TestClient client : clients) {
      // "transport close", not "io server disconnect": no DISCONNECT packet came first
      assertThat(client.awaitDisconnect()).isEqualTo("transport close");
      assertThat(client.awaitEvent(TestClient.RECONNECT_ATTEMPT).arg(0)).isEqualTo(1);
    }
    assertThat(fixture.io().clientsCount()).isZero();
  }

  @Test
  void closingTheServerFailsPendingAcks() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();
    CompletableFuture<Args> pending = socket.emitWithAck("never-answered");
    client.awaitEvent("never-answered");

    fixture.io().close();

    assertThat(Await.failure(pending)).isInstanceOf(AckException.class);
    assertThat(client.awaitDisconnect()).isEqualTo("transport close");
  }

  @Test
  void closingTheServerCompletesAPendingBroadcastAckWithoutTheLostAnswers() {
    TestClient first = fixture.connect();
    TestClient second = fixture.connect();
    CompletableFuture<List<Args>> votes = fixture.io().emitWithAck("vote");
    first.awaitEvent("vote");
    second.awaitEvent("vote");

    fixture.io().close();

    // as for any broadcast ack, a client that disconnects no longer counts: none is left to answer
    assertThat(Await.result(votes)).isEmpty();
  }

  @Test
  void closingTheServerSendsNoDisconnectPacketBeforeClosingTheWebSocket() {
    try (RawClient raw = RawClient.open(fixture.port())) {
      assertThat(raw.next()).startsWith("0{");
      raw.send("40");
      assertThat(raw.next()).startsWith("40{\"sid\":");
      fixture.awaitServerSocket();

      fixture.io().close();

      RawClient.Closed closed = Await.result(raw.closed());
      assertThat(closed.code()).isEqualTo(1001);
      assertThat(raw.received()).hasSize(2).noneMatch(frame -> frame.startsWith("41"));
    }
  }

  @Test
  void aClosedServerRefusesNewConnectionsWithoutOpeningASession() {
    fixture.io().close();

    // the Java client reports nothing when a WebSocket closes before the Engine.IO open packet (only its 20 s
    // connect timeout would): look at the wire instead
    try (RawClient raw = RawClient.open(fixture.port())) {
      RawClient.Closed closed = Await.result(raw.closed());
      assertThat(closed.code()).isEqualTo(1001);
      assertThat(raw.received()).isEmpty();
    }
    assertThat(fixture.io().clientsCount()).isZero();
  }

  private TestClient reconnectingClient() {
    return fixture.connect(o -> {
      o.reconnection = true;
      o.reconnectionDelay = 100;
      o.reconnectionDelayMax = 100;
    });
  }
}
