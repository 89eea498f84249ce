package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound flow control: write when the transport drained, else buffer (bounded), flush in order on drain. */
class EngineSessionSendTest {

  private static final Frame A = Frame.text("4a");
  private static final Frame B = Frame.text("4b");
  private static final Frame C = Frame.text("4c");
  private static final Frame D = Frame.text("4d");

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private final EngineServer server = new EngineServer(EngineOptions.builder().maxBufferedPackets(3).build(),
      scheduler, s -> listener);
  private final TestTransport transport = TestTransport.polling();
  private EngineSession session;

  @BeforeEach
  void open() {
    session = transport.open(server, TestRequests.handshake("polling"));
    transport.drain(); // the first poll takes the open packet; the transport is busy until the next poll
    assertThat(transport.batches()).hasSize(1);
  }

  @AfterEach
  void keptTheTransportContract() {
    assertThat(transport.contractViolations()).isEmpty();
  }

  @Test
  void framesSentWhileTheTransportIsBusyAreFlushedInOrderOnDrain() {
    assertThat(session.send(A)).isTrue();
    assertThat(session.send(List.of(B, C), false)).isTrue();
    assertThat(transport.batches()).hasSize(1);

    transport.drain();

    assertThat(transport.batches()).hasSize(2);
    assertThat(transport.batches().get(1)).containsExactly(A, B, C);
  }

  @Test
  void aFrameSentToADrainedTransportIsWrittenAtOnce() {
    transport.drain();

    assertThat(session.send(A)).isTrue();

    assertThat(transport.batches()).hasSize(2);
    assertThat(transport.batches().get(1)).containsExactly(A);
  }

  @Test
  void afterAWriteTheNextFramesWaitForTheNextDrain() {
    transport.drain();
    session.send(A);

    session.send(B);
    session.send(C);
    assertThat(transport.frames()).doesNotContain(B, C);
    transport.drain();

    assertThat(transport.batches().subList(1, 3)).containsExactly(List.of(A), List.of(B, C));
  }

  @Test
  void aDrainWithNothingBufferedWritesNothing() {
    transport.drain();
    transport.drain();

    assertThat(transport.batches()).hasSize(1);
  }

  @Test
  void volatileFramesAreDroppedWhileTheTransportIsBusy() {
    assertThat(session.send(List.of(A), true)).isFalse();
    session.send(B);

    transport.drain();

    assertThat(transport.frames()).containsSubsequence(B).doesNotContain(A);
  }

  @Test
  void volatileFramesAreWrittenWhenTheTransportCanTakeThem() {
    transport.drain();

    assertThat(session.send(List.of(A), true)).isTrue();

    assertThat(transport.batches().get(1)).containsExactly(A);
  }

  @Test
  void bufferingPastMaxBufferedPacketsClosesTheSessionWithTransportError() {
    assertThat(session.send(List.of(A, B, C), false)).isTrue();

    assertThat(session.send(D)).isFalse();

    assertThat(session.isOpen()).isFalse();
    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(transport.frames()).doesNotContain(A, B, C, D);
  }

  @Test
  void aBatchThatWouldOverflowTheBufferClosesTheSession() {
    session.send(List.of(A, B), false);

    assertThat(session.send(List.of(C, D), false)).isFalse();

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
  }

  @Test
  void aVolatileFrameOverAFullBufferIsDroppedWithoutClosing() {
    session.send(List.of(A, B, C), false);

    assertThat(session.send(List.of(D), true)).isFalse();

    assertThat(session.isOpen()).isTrue();
    transport.drain();
    assertThat(transport.batches().get(1)).containsExactly(A, B, C);
  }

  @Test
  void theBufferEmptiesOnDrainSoItCanFillAgain() {
    session.send(List.of(A, B, C), false);
    transport.drain();

    assertThat(session.send(List.of(A, B, C), false)).isTrue();

    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void bufferingPastMaxBufferedBytesClosesTheSlowClient() {
    EngineServer small = new EngineServer(EngineOptions.builder().maxBufferedBytes(1000).build(), scheduler,
        s -> listener);
    TestTransport slow = TestTransport.polling();
    EngineSession client = slow.open(small, TestRequests.handshake("polling"));
    slow.drain();
    Frame big = Frame.text("4" + "x".repeat(399));

    assertThat(client.send(List.of(big, big), false)).as("800 bytes fit").isTrue();
    assertThat(client.send(List.of(Frame.text("4" + "y".repeat(199))), false)).as("1000 bytes fit").isTrue();
    assertThat(client.send(List.of(big), false)).as("1400 bytes do not").isFalse();

    assertThat(client.isOpen()).isFalse();
    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(slow.frames()).doesNotContain(big);
  }

  @Test
  void aDrainFreesTheBytesItTook() {
    EngineServer small = new EngineServer(EngineOptions.builder().maxBufferedBytes(1000).build(), scheduler,
        s -> listener);
    TestTransport client = TestTransport.polling();
    EngineSession session = client.open(small, TestRequests.handshake("polling"));
    client.drain();
    Frame big = Frame.text("4" + "x".repeat(899));

    for (int i = 0; i < 5; i++) {
      assertThat(session.send(List.of(big), false)).isTrue();
      client.drain();
    }

    assertThat(session.isOpen()).isTrue();
    assertThat(client.frames()).filteredOn(big::equals).hasSize(5);
  }

  @Test
  void aVolatileFrameOverTheByteBoundIsDroppedWithoutClosing() {
    EngineServer small = new EngineServer(EngineOptions.builder().maxBufferedBytes(1000).build(), scheduler,
        s -> listener);
    TestTransport client = TestTransport.polling();
    EngineSession session = client.open(small, TestRequests.handshake("polling"));
    client.drain();
    session.send(Frame.text("4" + "x".repeat(899)));

    assertThat(session.send(List.of(Frame.text("4" + "x".repeat(500))), true)).isFalse();

    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void oneBatchLargerThanTheBoundIsTakenWhenNothingWaits() {
    EngineServer small = new EngineServer(EngineOptions.builder().maxBufferedBytes(1000).build(), scheduler,
        s -> listener);
    TestTransport client = TestTransport.polling();
    EngineSession session = client.open(small, TestRequests.handshake("polling"));
    client.drain();
    Frame huge = Frame.text("4" + "x".repeat(4999));

    assertThat(session.send(huge)).isTrue();
    assertThat(session.send(Frame.text("4more"))).as("then the client is behind").isFalse();

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
  }

  @Test
  void sendAfterCloseWritesNothing() {
    session.close(CloseReason.FORCED_CLOSE, null);

    assertThat(session.send(A)).isFalse();
    transport.drain();

    assertThat(transport.frames()).doesNotContain(A);
  }
}
