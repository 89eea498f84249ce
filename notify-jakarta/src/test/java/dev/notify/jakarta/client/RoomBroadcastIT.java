package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broadcasts to rooms reach exactly their members. Non-delivery is proven without waiting: after the event under
 * test, a marker goes to everyone; a client that has the marker has everything sent to it before.
 */
class RoomBroadcastIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  private TestClient alice;
  private TestClient bob;
  private TestClient carol;
  private Socket bobSocket;

  /** alice in news; bob in news and vip; carol in vip. */
  @BeforeEach
  void threeClientsInRooms() {
    fixture.io().onConnection(socket -> {
      socket.on("join", (args, ack) -> {
        for (int i = 0; i < args.size(); i++) {
          socket.join(args.getString(i));
        }
        ack.send(socket.rooms().toArray());
      });
      socket.on("shout", (args, ack) -> {
        socket.to(args.getString(0)).emit("shout", args.getString(1));
        ack.send();
      });
    });
    alice = fixture.connect();
    fixture.awaitServerSocket();
    bob = fixture.connect();
    bobSocket = fixture.awaitServerSocket();
    carol = fixture.connect();
    fixture.awaitServerSocket();
    assertThat(alice.request("join", "news")).contains("news");
    assertThat(bob.request("join", "news", "vip")).contains("news", "vip");
    assertThat(carol.request("join", "vip")).contains("vip");
  }

  private void markerToEveryone() {
    fixture.io().emit("marker");
    for (TestClient client : List.of(alice, bob, carol)) {
      client.awaitEvent("marker");
    }
  }

  private static List<String> received(TestClient client) {
    return client.eventNames().stream().filter(name -> !name.equals(TestClient.CONNECT)).toList();
  }

  @Test
  void toRoomExceptOtherRoomReachesOnlyMembersOutsideTheExcludedRoom() {
    fixture.io().to("news").except("vip").emit("headline", "only alice");

    markerToEveryone();

    assertThat(alice.awaitEvent("headline").args()).containsExactly("only alice");
    assertThat(received(alice)).containsExactly("headline", "marker");
    assertThat(received(bob)).containsExactly("marker");
    assertThat(received(carol)).containsExactly("marker");
  }

  @Test
  void toRoomReachesEveryMemberAndNobodyElse() {
    fixture.io().to("vip").emit("offer");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("marker");
    assertThat(received(bob)).containsExactly("offer", "marker");
    assertThat(received(carol)).containsExactly("offer", "marker");
  }

  @Test
  void aSocketInSeveralTargetedRoomsGetsTheEventOnce() {
    fixture.io().to("news", "vip").emit("digest");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("digest", "marker");
    assertThat(received(bob)).containsExactly("digest", "marker");
    assertThat(received(carol)).containsExactly("digest", "marker");
  }

  @Test
  void exceptAloneReachesEveryoneOutsideTheRoom() {
    fixture.io().except("news").emit("notice");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("marker");
    assertThat(received(bob)).containsExactly("marker");
    assertThat(received(carol)).containsExactly("notice", "marker");
  }

  @Test
  void aSocketIdIsARoomOfItsOwn() {
    fixture.io().to(bobSocket.id()).emit("private");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("marker");
    assertThat(received(bob)).containsExactly("private", "marker");
    assertThat(received(carol)).containsExactly("marker");
  }

  @Test
  void aSocketBroadcastToItsRoomLeavesTheSenderOut() {
    bob.request("shout", "vip", "hello vip");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("marker");
    assertThat(received(bob)).containsExactly("marker");
    assertThat(received(carol)).containsExactly("shout", "marker");
    assertThat(carol.awaitEvent("shout").args()).containsExactly("hello vip");
  }

  @Test
  void aLeftRoomNoLongerReceives() {
    bobSocket.leave("news");
    fixture.io().to("news").emit("headline");

    markerToEveryone();

    assertThat(received(alice)).containsExactly("headline", "marker");
    assertThat(received(bob)).containsExactly("marker");
    assertThat(received(carol)).containsExactly("marker");
  }

  @Test
  void aDisconnectedSocketLeavesItsRooms() {
    Recorder<String> left = new Recorder<>();
    bobSocket.onDisconnect(reason -> left.add(reason.text()));

    bob.close();
    left.next();

    assertThat(Await.result(fixture.io().in("news").fetchSockets())).extracting(s -> s.id())
        .containsExactly(alice.id());
    assertThat(Await.result(fixture.io().in("vip").fetchSockets())).extracting(s -> s.id())
        .containsExactly(carol.id());
    fixture.io().to("vip").emit("offer");
    fixture.io().emit("marker");
    carol.awaitEvent("marker");
    assertThat(received(carol)).containsExactly("offer", "marker");
  }
}
