package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.AckException;
import dev.notify.core.server.AckTimeoutException;
import dev.notify.core.server.Args;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Acknowledgements both ways: answers, binary answers, timeouts, and acks that a disconnect cancels. */
class AcknowledgementsIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void aClientEmitWithAckGetsTheServerAnswer() {
    fixture.io().onConnection(socket -> socket.on("sum", (args, ack) -> {
      assertThat(ack.requested()).isTrue();
      ack.send(args.get(0).intValue() + args.get(1).intValue(), "ok");
    }));
    TestClient client = fixture.connect();

    assertThat(client.request("sum", 2, 3)).containsExactly(5, "ok");
  }

  @Test
  void anAckCanBeSentLaterFromAnotherThreadAndOnlyTheFirstCounts() {
    fixture.io().onConnection(socket -> socket.on("slow", (args, ack) -> CompletableFuture.runAsync(() -> {
      ack.send("first");
      ack.send("second");
    })));
    TestClient client = fixture.connect();

    assertThat(client.request("slow")).containsExactly("first");
    assertThat(client.request("slow")).containsExactly("first");
  }

  @Test
  void anEventWithoutAckGivesTheHandlerAnAckThatWasNotRequested() {
    CompletableFuture<Boolean> requested = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("fire", (args, ack) -> {
      requested.complete(ack.requested());
      ack.send("ignored");
    }));
    TestClient client = fixture.connect();

    client.emit("fire");

    assertThat(Await.result(requested)).isFalse();
  }

  @Test
  void aServerEmitWithAckGetsTheClientAnswer() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    CompletableFuture<Args> answer = socket.emitWithAck("question", "what time is it?");
    TestClient.Event question = client.awaitEvent("question");
    assertThat(question.args()).containsExactly("what time is it?");
    question.ack().call("noon", 12);

    Args args = Await.result(answer);
    assertThat(args.getString(0)).isEqualTo("noon");
    assertThat(args.get(1).intValue()).isEqualTo(12);
  }

  @Test
  void aServerEmitWithAckAndTimeoutGetsTheClientAnswerInTime() throws Exception {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    CompletableFuture<Args> answer = socket.timeout(Duration.ofSeconds(10)).emitWithAck("confirm", 1);
    client.awaitEvent("confirm").ack().call(new JSONObject().put("confirmed", true));

    assertThat(Await.result(answer).get(0).path("confirmed").asBoolean()).isTrue();
  }

  @Test
  void binaryAcksTravelBothWays() {
    byte[] request = {1, 2, 3, (byte) 0xff};
    fixture.io().onConnection(socket -> socket.on("reverse", (args, ack) -> {
      byte[] bytes = args.getBytes(0);
      byte[] reversed = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        reversed[i] = bytes[bytes.length - 1 - i];
      }
      ack.send(reversed, Map.of("length", bytes.length, "copy", bytes));
    }));
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    // client asks, server answers with binary (a BINARY_ACK to the client)
    List<Object> answer = client.request("reverse", (Object) request);
    assertThat((byte[]) answer.get(0)).containsExactly((byte) 0xff, 3, 2, 1);
    JSONObject details = (JSONObject) answer.get(1);
    assertThat(details.optInt("length")).isEqualTo(4);
    assertThat((byte[]) details.opt("copy")).isEqualTo(request);

    // server asks, client answers with binary (a BINARY_ACK to the server)
    CompletableFuture<Args> fromClient = socket.emitWithAck("sign", "doc");
    client.awaitEvent("sign").ack().call(new byte[] {9, 8, 7}, "signature");
    Args args = Await.result(fromClient);
    assertThat(args.getBytes(0)).containsExactly(9, 8, 7);
    assertThat(args.getString(1)).isEqualTo("signature");
  }

  @Test
  void anUnansweredServerAckFailsWithAckTimeoutAfterTheTimeout() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();
    Duration timeout = Duration.ofMillis(300);

    long start = System.nanoTime();
    CompletableFuture<Args> answer = socket.timeout(timeout).emitWithAck("ignored", "x");
    Throwable failure = Await.failure(answer);
    long elapsed = System.nanoTime() - start;

    assertThat(failure).isInstanceOf(AckTimeoutException.class).hasMessageContaining("ignored");
    assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(timeout);
    // the client did get the event: it simply never answered
    assertThat(client.awaitEvent("ignored").ack()).isNotNull();
    // a late answer is ignored and the connection stays usable
    client.events("ignored").get(0).ack().call("too late");
    CompletableFuture<Args> next = socket.emitWithAck("again");
    client.awaitEvent("again").ack().call("on time");
    assertThat(Await.result(next).getString(0)).isEqualTo("on time");
  }

  @Test
  void pendingServerAcksFailWithAckExceptionWhenTheClientDisconnects() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();
    CompletableFuture<Args> noTimeout = socket.emitWithAck("never", 1);
    CompletableFuture<Args> longTimeout = socket.timeout(Duration.ofMinutes(5)).emitWithAck("never", 2);
    client.awaitEvent("never");
    client.awaitEvent("never");

    client.close();

    assertThat(Await.failure(noTimeout)).isExactlyInstanceOf(AckException.class)
        .hasMessageContaining(socket.id());
    assertThat(Await.failure(longTimeout)).isExactlyInstanceOf(AckException.class);
  }

  @Test
  void anEmitWithAckToADisconnectedSocketFailsAtOnce() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();
    Recorder<String> reasons = new Recorder<>();
    socket.onDisconnect(reason -> reasons.add(reason.text()));
    client.close();
    reasons.next();

    assertThat(Await.failure(socket.emitWithAck("anyone?"))).isInstanceOf(AckException.class);
  }

  @Test
  void aBroadcastWithAckCollectsOneAnswerPerClient() {
    TestClient first = fixture.connect();
    TestClient second = fixture.connect();
    first.socket().on("vote", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes"));
    second.socket().on("vote", args -> ((io.socket.client.Ack) args[args.length - 1]).call("no"));

    List<Args> answers = Await.result(fixture.io().timeout(Duration.ofSeconds(10)).emitWithAck("vote"));

    assertThat(answers).extracting(a -> a.getString(0)).containsExactlyInAnyOrder("yes", "no");
  }

  @Test
  void aBroadcastWithAckTimesOutWithThePartialAnswers() {
    TestClient answering = fixture.connect();
    fixture.connect();
    answering.socket().on("vote", args -> ((io.socket.client.Ack) args[args.length - 1]).call("yes"));

    // long enough for the answer of the answering client to arrive even on a loaded machine
    Throwable failure = Await.failure(fixture.io().timeout(Duration.ofSeconds(2)).emitWithAck("vote"));

    assertThat(failure).isInstanceOf(AckTimeoutException.class);
    assertThat(((AckTimeoutException) failure).partial()).extracting(a -> a.getString(0)).containsExactly("yes");
  }
}
