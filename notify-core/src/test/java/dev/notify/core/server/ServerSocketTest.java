package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.adapter.EncodedPacket;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.protocol.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server socket on its own, over an in-memory transport: handlers, acks both ways, and held deliveries. */
class ServerSocketTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(scheduler).build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void emitWithAckCompletesWithTheClientsAnswer() throws Exception {
    InMemoryClient client = InMemoryClient.connect(io);

    CompletableFuture<Args> answer = client.socket.emitWithAck("question", 41);

    String sent = client.events().get(client.events().size() - 1);
    assertThat(sent).matches("42\\d+\\[\"question\",41]");
    client.transport.receive("43" + ackId(sent) + "[\"forty-two\"]");
    assertThat(answer.get().getString(0)).isEqualTo("forty-two");
  }

  @Test
  void anAckThatDoesNotComeInTimeFailsWithAckTimeoutException() {
    InMemoryClient client = InMemoryClient.connect(io);

    CompletableFuture<Args> answer = client.socket.timeout(Duration.ofSeconds(2)).emitWithAck("question");
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(answer).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(cause(answer)).isInstanceOf(AckTimeoutException.class);
  }

  @Test
  void pendingAcksFailWithAckExceptionWhenTheSocketDisconnects() {
    InMemoryClient client = InMemoryClient.connect(io);
    CompletableFuture<Args> answer = client.socket.emitWithAck("question");

    client.socket.disconnect(true);

    assertThat(cause(answer)).isInstanceOf(AckException.class).isNotInstanceOf(AckTimeoutException.class);
  }

  @Test
  void anAnswerForAnUnknownAckIdIsIgnored() {
    InMemoryClient client = InMemoryClient.connect(io);
    CompletableFuture<Args> answer = client.socket.emitWithAck("question");
    String sent = client.events().get(client.events().size() - 1);

    client.transport.receive("43" + (Long.parseLong(ackId(sent)) + 1) + "[\"late\"]");

    assertThat(answer).isNotDone();
    assertThat(client.socket.connected()).isTrue();
  }

  @Test
  void eventHandlersAreAddedAndRemovedAndAnyHandlersSeeEveryEvent() {
    InMemoryClient client = InMemoryClient.connect(io);
    List<String> calls = new ArrayList<>();
    EventHandler first = (args, ack) -> calls.add("first " + args.get(0).asInt());
    client.socket.on("e", first);
    client.socket.on("e", (args, ack) -> calls.add("second " + args.get(0).asInt()));
    client.socket.onAny((event, args) -> calls.add("any " + event));

    client.transport.receive("42[\"e\",1]");
    client.socket.off("e", first);
    client.transport.receive("42[\"e\",2]");
    client.socket.off("e");
    client.transport.receive("42[\"e\",3]");

    assertThat(calls).containsExactly("any e", "first 1", "second 1", "any e", "second 2", "any e");
  }

  @Test
  void aClientEventIsAnsweredOnceWhateverTheHandlerDoes() {
    InMemoryClient client = InMemoryClient.connect(io);
    client.socket.on("ask", (args, ack) -> {
      ack.send("one");
      ack.send("two");
    });

    client.transport.receive("427[\"ask\"]");

    assertThat(client.transport.texts()).filteredOn(t -> t.startsWith("43")).containsExactly("437[\"one\"]");
  }

  @Test
  void deliveriesHeldDuringARecoveryGoOutInOrderEvenWhenOneArrivesWhileTheyAreReleased() {
    InMemoryClient client = InMemoryClient.connect(io);
    ServerSocket socket = (ServerSocket) client.socket;
    socket.holdLive();
    socket.deliver(packet(socket, "42[\"a\"]"), false);
    socket.deliver(packet(socket, "42[\"b\"]"), false);
    boolean[] once = {false};
    client.transport.onSend(frames -> {
      // the first released delivery is being written: a broadcast arrives now, on the releasing thread
      if (!once[0] && frames.stream().anyMatch(f -> !f.isBinary() && f.text().equals("42[\"a\"]"))) {
        once[0] = true;
        socket.deliver(packet(socket, "42[\"c\"]"), false);
      }
    });
    assertThat(client.events()).isEmpty();

    socket.releaseLive(null);

    assertThat(client.events()).containsExactly("42[\"a\"]", "42[\"b\"]", "42[\"c\"]");
  }

  @Test
  void releasingLeavesOutTheEventsTheReplayAlreadySent() {
    InMemoryClient client = InMemoryClient.connect(io);
    ServerSocket socket = (ServerSocket) client.socket;
    socket.holdLive();
    socket.deliver(packet(socket, "42[\"x\",\"5-0\"]"), false);
    socket.deliver(packet(socket, "42[\"y\",\"7-0\"]"), false);

    socket.releaseLive("5-0");

    assertThat(client.events()).containsExactly("42[\"y\",\"7-0\"]");
  }

  @Test
  void aPacketEncodedElsewhereIsRefusedWithTheReason() {
    InMemoryClient client = InMemoryClient.connect(io);
    ServerSocket socket = (ServerSocket) client.socket;
    EncodedPacket foreign = new EncodedPacket() {
    };
    Namespace other = io.of("/other");

    assertThatThrownBy(() -> socket.deliver(foreign, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not encoded by namespace /");
    assertThatThrownBy(() -> socket.deliverWithAck(
        new Namespace.Encoded(other, List.of(Frame.text("42[\"x\"]"))), 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(client.events()).isEmpty();
  }

  /** One text frame, as this socket's namespace encodes a broadcast. */
  private static EncodedPacket packet(ServerSocket socket, String text) {
    return new Namespace.Encoded(socket.namespace(), List.of(Frame.text(text)));
  }

  private static String ackId(String event) {
    return event.substring(2, event.indexOf('['));
  }

  private static Throwable cause(CompletableFuture<?> future) {
    assertThat(future).isDone();
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
