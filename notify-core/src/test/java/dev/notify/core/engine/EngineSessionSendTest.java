package dev.notify.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.protocol.Frame;
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
  void sendAfterCloseWritesNothing() {
    session.close(CloseReason.FORCED_CLOSE, null);

    assertThat(session.send(A)).isFalse();
    transport.drain();

    assertThat(transport.frames()).doesNotContain(A);
  }
}
