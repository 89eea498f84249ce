package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Socket;
import io.socket.client.Manager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two namespaces multiplexed over one Engine.IO connection by one client manager. */
class NamespacesIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void twoNamespacesShareOneConnectionAndEachGetsItsOwnEvents() {
    Recorder<Socket> admins = new Recorder<>();
    fixture.io().onConnection(socket -> socket.on("where", (args, ack) -> ack.send("main", args.getString(0))));
    fixture.io().of("/admin").onConnection(socket -> {
      admins.add(socket);
      socket.on("where", (args, ack) -> ack.send("admin", args.getString(0)));
    });
    Manager manager = fixture.manager();
    TestClient main = fixture.client(manager, "/");
    TestClient admin = fixture.client(manager, "/admin");

    main.connect();
    admin.connect();
    Socket mainSocket = fixture.awaitServerSocket();
    Socket adminSocket = admins.next();

    assertThat(fixture.io().clientsCount()).isEqualTo(1);
    assertThat(mainSocket.id()).isEqualTo(main.id());
    assertThat(adminSocket.id()).isEqualTo(admin.id()).isNotEqualTo(mainSocket.id());
    assertThat(mainSocket.namespace().name()).isEqualTo("/");
    assertThat(adminSocket.namespace().name()).isEqualTo("/admin");
    assertThat(fixture.io().of("/").sockets()).containsOnlyKeys(main.id());
    assertThat(fixture.io().of("/admin").sockets()).containsOnlyKeys(admin.id());

    // client to server: each namespace's handler answers its own socket
    assertThat(main.request("where", "a")).containsExactly("main", "a");
    assertThat(admin.request("where", "b")).containsExactly("admin", "b");

    // server to client: a broadcast of one namespace reaches only that namespace's socket
    fixture.io().emit("hello", "from main");
    fixture.io().of("/admin").emit("hello", "from admin");
    assertThat(main.awaitEvent("hello").args()).containsExactly("from main");
    assertThat(admin.awaitEvent("hello").args()).containsExactly("from admin");
    // both packets came over the one connection, in order: nothing else was routed to either socket
    assertThat(main.events("hello")).hasSize(1);
    assertThat(admin.events("hello")).hasSize(1);
  }

  @Test
  void leavingOneNamespaceKeepsTheOtherAndTheConnection() {
    Recorder<Socket> admins = new Recorder<>();
    fixture.io().onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));
    fixture.io().of("/admin").onConnection(admins::add);
    Manager manager = fixture.manager();
    TestClient main = fixture.client(manager, "/").connect();
    TestClient admin = fixture.client(manager, "/admin").connect();
    Socket adminSocket = admins.next();
    Recorder<String> reasons = new Recorder<>();
    adminSocket.onDisconnect(reason -> reasons.add(reason.text()));

    admin.close();

    assertThat(reasons.next()).isEqualTo("client namespace disconnect");
    assertThat(main.request("echo", "still here")).containsExactly("still here");
    assertThat(fixture.io().clientsCount()).isEqualTo(1);
    assertThat(fixture.io().of("/admin").sockets()).isEmpty();
  }

  @Test
  void anUnknownNamespaceIsRefusedWithConnectError() throws Exception {
    Manager manager = fixture.manager();
    TestClient main = fixture.client(manager, "/").connect();
    TestClient unknown = fixture.client(manager, "/nowhere");

    unknown.socket().connect();

    org.json.JSONObject body = (org.json.JSONObject) unknown.awaitEvent(TestClient.CONNECT_ERROR).arg(0);
    assertThat(body.getString("message")).isEqualTo("Invalid namespace");
    assertThat(main.socket().connected()).isTrue();
  }
}
