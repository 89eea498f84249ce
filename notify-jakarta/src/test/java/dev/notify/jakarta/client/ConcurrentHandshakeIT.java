package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.Handshake;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many clients connecting at once each get their own handshake on the server: the upgrade request's headers and
 * URL travel from the container's handshake hook to the session through per-connection properties, which must not
 * be shared between concurrent upgrades.
 */
class ConcurrentHandshakeIT {

  static final int CLIENTS = 50;

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void fiftyClientsConnectingAtOnceEachSeeTheirOwnHandshake() {
    Map<String, Handshake> handshakes = new ConcurrentHashMap<>();
    fixture.io().onConnection(socket -> {
      handshakes.put(socket.id(), socket.handshake());
      socket.on("whoami", (args, ack) -> ack.send(socket.handshake().header("x-client-id"),
          socket.handshake().auth().path("client").asText(), socket.handshake().query().get("client")));
    });
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      String id = "client-" + i;
      clients.add(fixture.client(o -> {
        o.auth = Map.of("client", id);
        o.extraHeaders = Map.of("X-Client-Id", List.of(id));
        o.query = "client=" + id;
      }));
    }

    // every connect is asynchronous: the 50 upgrades overlap on the server
    clients.forEach(client -> client.socket().connect());
    clients.forEach(client -> client.awaitEvent(TestClient.CONNECT));
    // as in Node, the server sends CONNECT and then runs the connection handlers: a client may see it first
    await().atMost(Await.DEADLINE).until(() -> handshakes.size() == CLIENTS);

    assertThat(fixture.io().clientsCount()).isEqualTo(CLIENTS);
    assertThat(fixture.io().of("/").sockets()).hasSize(CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
      String id = "client-" + i;
      TestClient client = clients.get(i);
      Handshake handshake = handshakes.get(client.id());
      assertThat(handshake).as("handshake of %s", id).isNotNull();
      assertThat(handshake.header("x-client-id")).as("header of %s", id).isEqualTo(id);
      assertThat(handshake.auth().path("client").asText()).as("auth of %s", id).isEqualTo(id);
      assertThat(handshake.query()).as("query of %s", id).containsEntry("client", id);
      assertThat(handshake.url()).as("url of %s", id).contains("client=" + id);
    }
    // and the server answers each on its own connection
    List<java.util.concurrent.CompletableFuture<List<Object>>> answers = new ArrayList<>();
    clients.forEach(client -> answers.add(client.emitWithAck("whoami")));
    for (int i = 0; i < CLIENTS; i++) {
      String id = "client-" + i;
      assertThat(Await.result(answers.get(i))).containsExactly(id, id, id);
    }
  }

  @Test
  void fiftyClientsConnectingAtOnceAllReceiveABroadcast() {
    List<TestClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(fixture.client());
    }
    clients.forEach(client -> client.socket().connect());
    clients.forEach(client -> client.awaitEvent(TestClient.CONNECT));
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      sockets.add(fixture.awaitServerSocket());
    }

    fixture.io().emit("all", "hello");

    clients.forEach(client -> assertThat(client.awaitEvent("all").args()).containsExactly("hello"));
    assertThat(sockets).extracting(Socket::id).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(clients.stream().map(TestClient::id).toList());
  }
}
