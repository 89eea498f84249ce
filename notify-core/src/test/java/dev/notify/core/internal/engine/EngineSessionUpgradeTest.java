package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.EngineOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upgrade from long-polling to WebSocket (spec: Protocol > Upgrade): {@code 2probe} on the new transport,
 * {@code 3probe} back, a {@code noop} to the pending poll, then {@code 5} switches transports and the buffered
 * frames go out on the new one.
 */
class EngineSessionUpgradeTest {

  private static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(1);
  private static final Frame A = Frame.text("4a");
  private static final Frame B = Frame.text("4b");
  private static final Frame C = Frame.text("4c");

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private EngineServer server = server(EngineOptions.builder());
  private final TestTransport polling = TestTransport.polling();
  private final TestTransport probe = TestTransport.websocket();
  private EngineSession session;

  private EngineServer server(EngineOptions.Builder options) {
    return new EngineServer(options.upgradeTimeout(UPGRADE_TIMEOUT).build(), scheduler, s -> listener);
  }

  @BeforeEach
  void open() {
    session = polling.open(server, TestRequests.handshake("polling"));
    polling.drain(); // the first poll returns the open packet
  }

  @AfterEach
  void keptTheTransportContract() {
    assertThat(polling.contractViolations()).isEmpty();
    assertThat(probe.contractViolations()).isEmpty();
  }

  /** The WebSocket connection of the upgrade opens: the session accepts it as probe, and it can write. */
  private void openProbe() {
    assertThat(session.beginUpgrade(probe)).isTrue();
    probe.attach(session);
    probe.drain();
  }

  @Test
  void theUpgradeFlowOfTheSpec() {
    polling.drain(); // a GET waits for data
    openProbe();

    probe.receive("2probe");
    assertThat(probe.texts()).containsExactly("3probe");
    assertThat(polling.batches()).as("released by the upgrade check, not at once").hasSize(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(polling.batches().get(1)).as("the pending poll is released").containsExactly(Frame.NOOP);

    // the client paused polling: frames sent now wait for the upgrade
    session.send(A);
    session.send(List.of(B, C), false);
    assertThat(polling.frames()).doesNotContain(A, B, C);
    probe.drain(); // 3probe written

    probe.receive("5");

    assertThat(session.transportName()).isEqualTo("websocket");
    assertThat(polling.isDiscarded()).isTrue();
    assertThat(polling.isClosed()).isFalse();
    assertThat(probe.batches()).containsExactly(List.of(Frame.PONG_PROBE), List.of(A, B, C));
    assertThat(session.isOpen()).isTrue();
    assertThat(listener.closes()).isEmpty();
  }

  @Test
  void afterTheUpgradeTheNewTransportCarriesEverything() {
    polling.drain();
    openProbe();
    probe.receive("2probe");
    probe.drain();
    probe.receive("5");
    int pollingBatches = polling.batches().size();

    session.send(A);
    probe.receive("4from-websocket");
    polling.drain(); // a late poll of the old transport is ignored
    polling.receive("4stale");

    assertThat(probe.frames()).containsExactly(Frame.PONG_PROBE, A);
    assertThat(polling.batches()).hasSize(pollingBatches);
    assertThat(listener.texts()).containsExactly("from-websocket");
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void theNoopGoesToAPollThatArrivesAfterTheProbe() {
    openProbe(); // no poll pending

    probe.receive("2probe");
    assertThat(polling.batches()).hasSize(1);
    polling.drain();
    assertThat(polling.batches()).hasSize(1);
    scheduler.advance(Duration.ofMillis(100));

    assertThat(polling.batches().get(1)).containsExactly(Frame.NOOP);
  }

  @Test
  void aPollThatRacesTheUpgradePacketIsLeftToTheUpgrade() {
    polling.drain(); // a GET waits
    openProbe();
    probe.receive("2probe");
    probe.drain();

    probe.receive("5"); // before the upgrade check: the poll gets no noop, the discarded transport refuses it
    scheduler.advance(Duration.ofMillis(100));

    assertThat(session.transportName()).isEqualTo("websocket");
    assertThat(polling.isDiscarded()).isTrue();
    assertThat(polling.batches()).hasSize(1);
  }

  @Test
  void framesBufferedDuringTheUpgradeWaitUntilTheNewTransportCanWrite() {
    openProbe();
    probe.receive("2probe");
    session.send(A);

    probe.receive("5"); // before 3probe was written
    assertThat(probe.frames()).containsExactly(Frame.PONG_PROBE);
    probe.drain();

    assertThat(probe.frames()).containsExactly(Frame.PONG_PROBE, A);
  }

  @Test
  void theHeartbeatCarriesOnAcrossTheUpgrade() {
    server = server(EngineOptions.builder().pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(50)));
    TestTransport poll = TestTransport.polling();
    TestTransport ws = TestTransport.websocket();
    EngineSession beating = poll.open(server, TestRequests.handshake("polling"));
    poll.drain();
    assertThat(beating.beginUpgrade(ws)).isTrue();
    ws.attach(beating).drain();
    ws.receive("2probe");
    ws.drain();

    scheduler.advance(Duration.ofMillis(100)); // the ping waits for the upgrade
    ws.receive("5");
    assertThat(ws.texts()).containsExactly("3probe", "2");
    ws.drain();
    ws.receive("3");
    scheduler.advance(Duration.ofMillis(100));

    assertThat(beating.isOpen()).isTrue();
    assertThat(ws.texts()).containsExactly("3probe", "2", "2");
    assertThat(poll.contractViolations()).isEmpty();
    assertThat(ws.contractViolations()).isEmpty();
  }

  @Test
  void theUpgradeTimeoutAbandonsTheProbe() {
    openProbe();
    probe.receive("2probe");
    session.send(A);

    scheduler.advance(UPGRADE_TIMEOUT);

    assertThat(probe.closeReasons()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(session.transportName()).isEqualTo("polling");
    assertThat(session.isOpen()).isTrue();
    assertThat(listener.closes()).isEmpty();
    polling.drain(); // the client resumes polling and gets what waited
    assertThat(polling.batches().get(1)).containsExactly(A);
  }

  @Test
  void anUpgradePacketAfterTheTimeoutIsRefused() {
    openProbe();
    probe.receive("2probe");
    scheduler.advance(UPGRADE_TIMEOUT);

    probe.receive("5");

    assertThat(session.transportName()).isEqualTo("polling");
    assertThat(polling.isDiscarded()).isFalse();
  }

  @Test
  void theUpgradeTimerStopsOnceUpgraded() {
    openProbe();
    probe.receive("2probe");
    probe.drain();
    probe.receive("5");

    scheduler.advance(UPGRADE_TIMEOUT.multipliedBy(2));

    assertThat(probe.isClosed()).isFalse();
    assertThat(session.transportName()).isEqualTo("websocket");
  }

  @Test
  void aSecondUpgradeIsRefusedWhileOneIsUnderWay() {
    openProbe();

    assertThat(session.beginUpgrade(TestTransport.websocket())).isFalse();
  }

  @Test
  void aWebSocketSessionCannotUpgradeAgain() {
    openProbe();
    probe.receive("2probe");
    probe.drain();
    probe.receive("5");

    assertThat(session.beginUpgrade(TestTransport.websocket())).isFalse();
  }

  @Test
  void aNewUpgradeMayStartAfterAnAbandonedOne() {
    openProbe();
    scheduler.advance(UPGRADE_TIMEOUT);

    assertThat(session.beginUpgrade(TestTransport.websocket())).isTrue();
  }

  @Test
  void upgradesAreRefusedWhenTheOptionsOfferNone() {
    server = server(EngineOptions.builder().allowUpgrades(false));
    TestTransport other = TestTransport.polling();
    EngineSession noUpgrades = other.open(server, TestRequests.handshake("polling"));

    assertThat(noUpgrades.beginUpgrade(TestTransport.websocket())).isFalse();
    assertThat(session.beginUpgrade(TestTransport.polling())).as("polling is no upgrade").isFalse();
  }

  @Test
  void anUpgradePacketBeforeTheProbeClosesTheProbeWithParseError() {
    openProbe();

    probe.receive("5");

    assertThat(probe.closeReasons()).containsExactly(CloseReason.PARSE_ERROR);
    assertThat(session.transportName()).isEqualTo("polling");
    assertThat(session.isOpen()).isTrue();
    assertThat(session.beginUpgrade(TestTransport.websocket())).as("upgrade slot free again").isTrue();
  }

  @Test
  void aMessageOnTheProbeClosesTheProbeAndIsNotDelivered() {
    openProbe();

    probe.receive("4too-early");

    assertThat(probe.closeReasons()).containsExactly(CloseReason.PARSE_ERROR);
    assertThat(listener.texts()).isEmpty();
    assertThat(session.isOpen()).isTrue();
  }

  @Test
  void theProbeConnectionEndingAbandonsTheUpgrade() {
    openProbe();
    probe.receive("2probe");
    session.send(A);

    probe.disconnect(CloseReason.TRANSPORT_CLOSE, "client gave up");

    assertThat(session.isOpen()).isTrue();
    assertThat(listener.closes()).isEmpty();
    polling.drain();
    assertThat(polling.batches().get(1)).containsExactly(A);
  }

  @Test
  void closingTheSessionDuringTheUpgradeClosesBothTransports() {
    openProbe();
    probe.receive("2probe");

    session.close(CloseReason.FORCED_CLOSE, null);

    assertThat(polling.closeReasons()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(probe.closeReasons()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(listener.closes()).containsExactly(CloseReason.FORCED_CLOSE);
    assertThat(scheduler.pendingTasks()).as("upgrade timer and heartbeat cancelled").isZero();
  }

  @Test
  void theOldTransportClosingDuringTheUpgradeClosesTheSession() {
    openProbe();

    polling.disconnect(CloseReason.TRANSPORT_ERROR, "poll failed");

    assertThat(listener.closes()).containsExactly(CloseReason.TRANSPORT_ERROR);
    assertThat(probe.closeReasons()).containsExactly(CloseReason.TRANSPORT_ERROR);
  }
}
