package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Args;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A message over {@code maxPayload} closes the connection that sent it, and only that one. */
class MaxPayloadIT {

  static final int MAX_PAYLOAD = 10_000;

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  private TestClient big;
  private TestClient small;
  private Socket bigSocket;
  private final Recorder<DisconnectReason> bigReasons = new Recorder<>();
  private final CompletableFuture<Args> bigArrived = new CompletableFuture<>();

  @BeforeEach
  void twoClients() {
    fixture.start(b -> b.maxPayload(MAX_PAYLOAD));
    fixture.io().onConnection(socket -> {
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.on("big", (args, ack) -> bigArrived.complete(args));
    });
    big = fixture.connect();
    bigSocket = fixture.awaitServerSocket();
    bigSocket.onDisconnect(bigReasons::add);
    small = fixture.connect();
    fixture.awaitServerSocket();
  }

  /**
   * Just over the limit (the frame adds the 12 characters of {@code 42["big",""]}), and twice the limit: the
   * standalone server refuses both from the frame's header, before buffering it.
   */
  @ParameterizedTest(name = "{0} characters")
  @ValueSource(ints = {MAX_PAYLOAD, 2 * MAX_PAYLOAD})
  void aTextMessageOverMaxPayloadClosesOnlyItsConnection(int length) {
    big.emit("big", "x".repeat(length));

    assertThat(bigReasons.next()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    // the server closes with 1009 and ends the connection: the client may or may not answer the close in time
    assertThat(big.awaitDisconnect()).isIn("transport close", "transport error");
    assertThat(bigArrived).isNotDone();
    // the other client, connected all along, keeps exchanging events both ways
    assertThat(small.request("echo", "still here")).containsExactly("still here");
    fixture.io().emit("news", 1);
    assertThat(small.awaitEvent("news").args()).containsExactly(1);
    assertThat(fixture.io().of("/").sockets()).containsOnlyKeys(small.id());
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {MAX_PAYLOAD + 1, 2 * MAX_PAYLOAD})
  void aBinaryAttachmentOverMaxPayloadClosesOnlyItsConnection(int length) {
    big.emit("big", (Object) new byte[length]);

    assertThat(bigReasons.next()).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
    assertThat(big.awaitDisconnect()).isIn("transport close", "transport error");
    assertThat(bigArrived).isNotDone();
    assertThat(small.request("echo", "still here")).containsExactly("still here");
    assertThat(fixture.io().of("/").sockets()).containsOnlyKeys(small.id());
  }

  @Test
  void messagesUpToMaxPayloadAreDelivered() {
    // 42["big",""] is 12 characters: this frame is exactly maxPayload long
    String text = "y".repeat(MAX_PAYLOAD - 12);
    byte[] binary = new byte[MAX_PAYLOAD];

    big.emit("big", text);
    assertThat(Await.result(bigArrived).getString(0)).isEqualTo(text);
    assertThat(big.request("echo", (Object) binary).get(0)).isEqualTo(binary);
  }
}
