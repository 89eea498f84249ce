package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.RemoteSocket;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** fetchSockets, socketsJoin, socketsLeave and disconnectSockets, aimed with {@code io.in(room)}. */
class RemoteSocketsIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  private TestClient alice;
  private TestClient bob;
  private Socket aliceSocket;
  private Socket bobSocket;

  /** alice (user a, room team) and bob (user b, no room), each with an echo handler. */
  @BeforeEach
  void twoClients() {
    fixture.io().use((socket, next) -> {
      socket.data().put("userId", socket.handshake().auth().path("user").asText());
      next.accept();
    });
    fixture.io().onConnection(socket -> {
      if (socket.data().get("userId").equals("a")) {
        socket.join("team");
      }
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
    alice = fixture.connect(o -> o.auth = Map.of("user", "a"));
    aliceSocket = fixture.awaitServerSocket();
    bob = fixture.connect(o -> {
      o.auth = Map.of("user", "b");
      o.query = "device=phone";
    });
    bobSocket = fixture.awaitServerSocket();
  }

  private List<String> idsIn(String room) {
    return Await.result(fixture.io().in(room).fetchSockets()).stream().map(RemoteSocket::id).toList();
  }

  @Test
  void fetchSocketsReportsIdsRoomsDataAndHandshake() {
    List<RemoteSocket> all = Await.result(fixture.io().fetchSockets());
    assertThat(all).extracting(RemoteSocket::id).containsExactlyInAnyOrder(alice.id(), bob.id());

    List<RemoteSocket> team = Await.result(fixture.io().in("team").fetchSockets());
    assertThat(team).hasSize(1);
    RemoteSocket a = team.get(0);
    assertThat(a.id()).isEqualTo(alice.id());
    assertThat(a.rooms()).containsExactlyInAnyOrder(alice.id(), "team");
    assertThat(a.data().path("userId").asText()).isEqualTo("a");
    assertThat(a.handshake().auth().path("user").asText()).isEqualTo("a");
    assertThat(a.handshake().address()).isEqualTo(aliceSocket.handshake().address());
    assertThat(a.handshake().url()).isEqualTo(aliceSocket.handshake().url());
    assertThat(a.handshake().issued()).isEqualTo(aliceSocket.handshake().issued());
    assertThat(a.handshake().header("host")).isEqualTo("127.0.0.1:" + fixture.port());

    RemoteSocket b = Await.result(fixture.io().except("team").fetchSockets()).get(0);
    assertThat(b.id()).isEqualTo(bob.id());
    assertThat(b.rooms()).containsExactly(bob.id());
    assertThat(b.handshake().query()).containsEntry("device", "phone");
  }

  @Test
  void socketsJoinAddsTheTargetedSocketsToRooms() {
    fixture.io().in("team").socketsJoin("project-x", "project-y");
    fixture.io().in(bobSocket.id()).socketsJoin("project-y");

    assertThat(aliceSocket.rooms()).containsExactlyInAnyOrder(alice.id(), "team", "project-x", "project-y");
    assertThat(bobSocket.rooms()).containsExactlyInAnyOrder(bob.id(), "project-y");
    assertThat(idsIn("project-x")).containsExactly(alice.id());
    assertThat(idsIn("project-y")).containsExactlyInAnyOrder(alice.id(), bob.id());
    fixture.io().to("project-x").emit("kickoff");
    fixture.io().emit("marker");
    bob.awaitEvent("marker");
    alice.awaitEvent("marker");
    assertThat(alice.events("kickoff")).hasSize(1);
    assertThat(bob.events("kickoff")).isEmpty();
  }

  @Test
  void socketsLeaveRemovesTheTargetedSocketsFromRooms() {
    fixture.io().socketsJoin("everyone");
    assertThat(idsIn("everyone")).containsExactlyInAnyOrder(alice.id(), bob.id());

    fixture.io().in("team").socketsLeave("everyone", "team");

    assertThat(idsIn("everyone")).containsExactly(bob.id());
    assertThat(idsIn("team")).isEmpty();
    assertThat(aliceSocket.rooms()).containsExactly(alice.id());
    assertThat(fixture.io().of("/").adapter().rooms()).containsExactly("everyone");
  }

  @Test
  void disconnectSocketsDisconnectsOnlyTheTargetedSockets() {
    Recorder<String> reasons = new Recorder<>();
    aliceSocket.onDisconnect(reason -> reasons.add(reason.text()));

    fixture.io().in("team").disconnectSockets(false);

    assertThat(alice.awaitDisconnect()).isEqualTo("io server disconnect");
    assertThat(reasons.next()).isEqualTo("server namespace disconnect");
    assertThat(bob.request("echo", "still here")).containsExactly("still here");
    assertThat(Await.result(fixture.io().fetchSockets())).extracting(RemoteSocket::id).containsExactly(bob.id());
  }

  @Test
  void disconnectSocketsWithCloseClosesTheirConnections() {
    Recorder<String> reasons = new Recorder<>();
    aliceSocket.onDisconnect(reason -> reasons.add(reason.text()));

    fixture.io().in("team").disconnectSockets(true);

    assertThat(alice.awaitDisconnect()).isEqualTo("io server disconnect");
    assertThat(reasons.next()).isEqualTo("forced server close");
    org.awaitility.Awaitility.await().atMost(Await.DEADLINE)
        .until(() -> fixture.io().clientsCount() == 1);
    assertThat(bob.request("echo", "still here")).containsExactly("still here");
  }

  @Test
  void aRemoteSocketCanBeReachedAndMovedThroughTheOperatorsItOffers() {
    RemoteSocket b = Await.result(fixture.io().except("team").fetchSockets()).get(0);

    b.emit("direct", "for bob");
    b.join("moved");

    assertThat(bob.awaitEvent("direct").args()).containsExactly("for bob");
    assertThat(idsIn("moved")).containsExactly(bob.id());
    b.leave("moved");
    assertThat(idsIn("moved")).isEmpty();
    b.disconnect(false);
    assertThat(bob.awaitDisconnect()).isEqualTo("io server disconnect");
  }
}
