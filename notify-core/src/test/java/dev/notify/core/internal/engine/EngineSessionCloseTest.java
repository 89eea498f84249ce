package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.EngineOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inbound packets and the end of a session: close, closeAfterFlush, client close, payload limit, bad packets. */
class EngineSessionCloseTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private final EngineServer server = new EngineServer(EngineOptions.builder().maxPayload(10).build(), scheduler,
      s -> listener);
  private final TestTransport transport = TestTransport.polling();
  private EngineSession session;

  @BeforeEach
  void open() {
    session = transport.open(server, TestRequests.handshake("polling"));
    transport.drain();
  }

  @AfterEach
  void keptTheTransportContract() {
    assertThat(transport.contractViolations()).isEmpty();
  }

  @Test
  void closeIsIdempotentAndTellsTheListenerOnceWithTheFirstReason() {
    session.close(CloseReason.FORCED_CLOSE, "test");
    session.close(CloseReason.TRANSPORT_ERROR, "again");
    session.closeAfterFlush(CloseReason.SERVER_SHUTTING_DOWN);
    transport.disconnect(CloseReason.TRANSPORT_CLOSE, "late");

    assertThat(listener.closes()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(session.isOpen()).isFalse();
    assertThat(server.session(session.id())).isNull();
    assertThat(scheduler.pendingTasks()).isZero();
  }

  @Test
  void closeAfterFlushWritesTheBufferedFramesThenCloses() {
    session.send(Frame.text("4a"));
    session.send(Frame.text("4b"));

    session.closeAfterFlush(CloseReason.FORCED_CLOSE);
    assertThat(session.isOpen()).as("closing").isFalse();
    assertThat(session.send(Frame.text("4late"))).isFalse();
    assertThat(listener.closes()).isEmpty();

    transport.drain();
    assertThat(transport.batches().get(1)).extracting(Frame::text).containsExactly("4a", "4b");
    assertThat(transport.isClosed()).as("not before the flushed frames are written").isFalse();

    transport.drain();
    assertThat(listener.closes()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(transport.texts()).doesNotContain("4late");
  }

  @Test
  void closeAfterFlushWaitsForTheWriteInProgress() {
    // the open packet was handed to the transport, which has not drained since
    session.closeAfterFlush(CloseReason.FORCED_CLOSE);
    assertThat(listener.closes()).isEmpty();

    transport.drain();

    assertThat(listener.closes()).containsExactly(CloseReason.FORCED_CLOSE);
  }

  @Test
  void closeAfterFlushClosesAtOnceWhenNothingIsPending() {
    transport.drain();

    session.closeAfterFlush(CloseReason.SERVER_SHUTTING_DOWN);

    assertThat(listener.closes()).containsExactly(CloseReason.SERVER_SHUTTING_DOWN);
  }

  @Test
  void closeDuringCloseAfterFlushClosesNowWithItsReason() {
    session.send(Frame.text("4a"));
    session.closeAfterFlush(CloseReason.FORCED_CLOSE);

    session.close(CloseReason.TRANSPORT_ERROR, "reset");
    transport.drain();

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(transport.texts()).doesNotContain("4a");
  }

  @Test
  void aClosePacketFromTheClientClosesWithTransportClose() {
    transport.receive("1");

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_CLOSE);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.TRANSPORT_CLOSE);
    assertThat(server.sessionCount()).isZero();
  }

  @Test
  void theEndOfTheConnectionClosesWithItsReason() {
    transport.disconnect(CloseReason.TRANSPORT_ERROR, "connection reset");

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(session.isOpen()).isFalse();
  }

  @Test
  void messagesReachTheListenerInOrder() {
    transport.receivePayload("4hello\u001ebAQIDBA==\u001e42[\"x\"]");
    transport.receive(new byte[] {9});

    assertThat(listener.texts()).containsExactly("hello", "2[\"x\"]");
    assertThat(listener.binaries()).containsExactly(new byte[] {1, 2, 3, 4}, new byte[] {9});
  }

  @Test
  void aBinaryMessageOfMaxPayloadBytesIsAccepted() {
    transport.receive(new byte[10]);

    assertThat(listener.binaries()).hasSize(1);
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void aBinaryMessageOverMaxPayloadClosesAsTooLarge() {
    transport.receive(new byte[11]);

    assertThat(listener.binaries()).isEmpty();
    assertThat(listener.closes()).containsExactly(CloseReason.MESSAGE_TOO_LARGE);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.MESSAGE_TOO_LARGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "2", "2probe", "5", "6"})
  void aPacketOnlyTheServerSendsClosesWithParseError(String frame) {
    transport.receive(frame);

    assertThat(listener.closes()).containsExactly(CloseReason.PARSE_ERROR);
  }

  @Test
  void packetsAfterTheCloseAreDropped() {
    transport.receivePayload("1\u001e4after-close\u001e3");
    transport.receive(new byte[] {1});

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_CLOSE);
    assertThat(listener.texts()).isEmpty();
    assertThat(listener.binaries()).isEmpty();
  }

  @Test
  void packetsDuringCloseAfterFlushAreDropped() {
    session.send(Frame.text("4a"));
    session.closeAfterFlush(CloseReason.FORCED_CLOSE);

    transport.receive("4ignored");

    assertThat(listener.texts()).isEmpty();
  }
}
