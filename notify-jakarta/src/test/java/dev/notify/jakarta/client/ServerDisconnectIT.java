package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import io.socket.client.Manager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code socket.disconnect()} from the server: the client is told ({@code io server disconnect}) and does not
 * reconnect; {@code disconnect(true)} also closes the connection, and with it the client's other namespaces.
 */
class ServerDisconnectIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void aServerDisconnectTellsTheClientWhichDoesNotReconnect() {
    fixture.io().onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    // reconnection on: a server disconnect must still not bring the client back
    TestClient client = fixture.connect(o -> {
      o.reconnection = true;
      o.reconnectionDelay = 50;
      o.reconnectionDelayMax = 50;
    });
    Socket socket = fixture.awaitServerSocket();
    Recorder<String> reasons = new Recorder<>();
    socket.onDisconnect(reason -> reasons.add(reason.text()));

    socket.disconnect();

    assertThat(client.awaitDisconnect()).isEqualTo("io server disconnect");
    assertThat(reasons.next()).isEqualTo("server namespace disconnect");
    assertThat(socket.connected()).isFalse();
    // a second client connects and round-trips: time enough for a reconnect at 50 ms to have been tried
    TestClient other = fixture.connect();
    fixture.awaitServerSocket();
    assertThat(other.request("echo", 1)).containsExactly(1);
    assertThat(client.eventNames()).doesNotContain(TestClient.RECONNECT_ATTEMPT).containsOnlyOnce(
        TestClient.CONNECT);
    assertThat(client.socket().connected()).isFalse();
    // the Java client drops its manager subscriptions on "io server disconnect": nothing left to reconnect
    assertThat(client.socket().isActive()).isFalse();
    assertThat(client.socket().io().isReconnecting()).isFalse();
    assertThat(fixture.io().of("/").sockets()).containsOnlyKeys(other.id());
  }

  @Test
  void disconnectWithoutCloseLeavesTheClientsOtherNamespacesConnected() {
    Recorder<Socket> admins = new Recorder<>();
    fixture.io().of("/admin").onConnection(socket -> {
      admins.add(socket);
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
    Manager manager = fixture.manager();
    TestClient main = fixture.client(manager, "/").connect();
    TestClient admin = fixture.client(manager, "/admin").connect();
    Socket mainSocket = fixture.awaitServerSocket();
    admins.next();

    mainSocket.disconnect(false);

    assertThat(main.awaitDisconnect()).isEqualTo("io server disconnect");
    assertThat(admin.request("echo", "still here")).containsExactly("still here");
    assertThat(fixture.io().clientsCount()).isEqualTo(1);
  }

  @Test
  void disconnectWithCloseClosesTheConnectionAndEveryNamespaceOnIt() {
    Recorder<Socket> admins = new Recorder<>();
    fixture.io().of("/admin").onConnection(admins::add);
    Manager manager = fixture.manager();
    TestClient main = fixture.client(manager, "/").connect();
    TestClient admin = fixture.client(manager, "/admin").connect();
    Socket mainSocket = fixture.awaitServerSocket();
    Socket adminSocket = admins.next();
    Recorder<String> mainReasons = new Recorder<>();
    Recorder<String> adminReasons = new Recorder<>();
    mainSocket.onDisconnect(reason -> mainReasons.add(reason.text()));
    adminSocket.onDisconnect(reason -> adminReasons.add(reason.text()));

    mainSocket.disconnect(true);

    assertThat(mainReasons.next()).isEqualTo("forced server close");
    assertThat(adminReasons.next()).isEqualTo("forced server close");
    assertThat(main.awaitDisconnect()).isEqualTo("io server disconnect");
    assertThat(admin.awaitDisconnect()).isEqualTo("io server disconnect");
    await().atMost(Await.DEADLINE).until(() -> fixture.io().clientsCount() == 0);
    assertThat(fixture.io().of("/").sockets()).isEmpty();
    assertThat(fixture.io().of("/admin").sockets()).isEmpty();
  }
}
