package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Next;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connection middlewares: a rejection reaches the client as connect_error; an accept may come later. */
class ConnectionMiddlewareIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void aRejectionReachesTheClientAsConnectErrorWithMessageAndData() throws Exception {
    Recorder<Socket> connected = new Recorder<>();
    fixture.io().use((socket, next) -> next.reject("nope", Map.of("code", 42)));
    fixture.io().onConnection(connected::add);
    TestClient client = fixture.client();

    client.socket().connect();
    TestClient.Event error = client.awaitEvent(TestClient.CONNECT_ERROR);

    JSONObject body = (JSONObject) error.arg(0);
    assertThat(body.getString("message")).isEqualTo("nope");
    assertThat(body.getJSONObject("data").getInt("code")).isEqualTo(42);
    assertThat(client.socket().connected()).isFalse();
    assertThat(client.eventNames()).doesNotContain(TestClient.CONNECT);
    assertThat(connected.all()).isEmpty();
  }

  @Test
  void aRejectionWithoutDataSendsOnlyTheMessage() throws Exception {
    fixture.io().use((socket, next) -> next.reject("Authentication required"));
    TestClient client = fixture.client();

    client.socket().connect();
    JSONObject body = (JSONObject) client.awaitEvent(TestClient.CONNECT_ERROR).arg(0);

    assertThat(body.getString("message")).isEqualTo("Authentication required");
    assertThat(body.has("data")).isFalse();
  }

  @Test
  void aMiddlewareCanAcceptLaterFromAnotherThread() {
    CompletableFuture<Next> pending = new CompletableFuture<>();
    fixture.io().use((socket, next) -> {
      socket.data().put("checkedBy", "async");
      pending.complete(next);
    });
    fixture.io().onConnection(socket -> socket.on("hello", (args, ack) -> ack.send("hi")));
    TestClient client = fixture.client(o -> o.auth = Map.of("token", "abc"));

    client.socket().connect();
    Next next = Await.result(pending);
    // the middleware has not decided yet: the client cannot be connected
    assertThat(client.socket().connected()).isFalse();
    CompletableFuture.runAsync(next::accept);

    client.awaitEvent(TestClient.CONNECT);
    Socket socket = fixture.awaitServerSocket();
    assertThat(socket.id()).isEqualTo(client.id());
    assertThat(socket.data()).containsEntry("checkedBy", "async");
    assertThat(client.request("hello")).containsExactly("hi");
  }

  @Test
  void middlewaresRunInOrderAndTheFirstRejectionStopsTheChain() throws Exception {
    Recorder<String> ran = new Recorder<>();
    fixture.io().use((socket, next) -> {
      ran.add("first");
      next.accept();
    });
    fixture.io().use((socket, next) -> {
      ran.add("second");
      String token = socket.handshake().auth().path("token").asText(null);
      if ("good".equals(token)) {
        next.accept();
      } else {
        next.reject("bad token", Map.of("token", String.valueOf(token)));
      }
    });
    fixture.io().use((socket, next) -> {
      ran.add("third");
      next.accept();
    });

    TestClient refused = fixture.client(o -> o.auth = Map.of("token", "bad"));
    refused.socket().connect();
    JSONObject body = (JSONObject) refused.awaitEvent(TestClient.CONNECT_ERROR).arg(0);
    assertThat(body.getJSONObject("data").getString("token")).isEqualTo("bad");
    assertThat(ran.next(2)).containsExactly("first", "second");

    fixture.connect(o -> o.auth = Map.of("token", "good"));
    assertThat(ran.next(3)).containsExactly("first", "second", "third");
  }
}
