package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.EngineOptions;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server-side heartbeat: ping every pingInterval, close without a pong within pingTimeout. */
class EngineSessionHeartbeatTest {

  private static final Duration INTERVAL = Duration.ofMillis(100);
  private static final Duration TIMEOUT = Duration.ofMillis(50);
  private static final Duration MS = Duration.ofMillis(1);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private final EngineServer server = new EngineServer(
      EngineOptions.builder().pingInterval(INTERVAL).pingTimeout(TIMEOUT).build(), scheduler, s -> listener);
  private final TestTransport transport = TestTransport.websocket().autoDrain(true);
  private EngineSession session;

  @BeforeEach
  void open() {
    session = transport.open(server, TestRequests.handshake("websocket"));
    transport.drain();
    assertThat(transport.texts()).singleElement().asString().startsWith("0{");
  }

  @Test
  void theServerPingsAfterPingInterval() {
    scheduler.advance(INTERVAL.minus(MS));
    assertThat(pings()).isZero();

    scheduler.advance(MS);

    assertThat(transport.texts()).last().isEqualTo("2");
    assertThat(pings()).isEqualTo(1);
  }

  @Test
  void withoutPongTheSessionClosesWithPingTimeout() {
    scheduler.advance(INTERVAL);
    scheduler.advance(TIMEOUT.minus(MS));
    assertThat(session.isOpen()).isTrue();

    scheduler.advance(MS);

    assertThat(session.isOpen()).isFalse();
    assertThat(listener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
    assertThat(transport.closeReasons()).containsExactly(CloseReason.PING_TIMEOUT);
    assertThat(server.session(session.id())).isNull();
    assertThat(scheduler.pendingTasks()).as("no timer left behind").isZero();
  }

  @Test
  void pongsKeepTheSessionAliveOverSeveralCycles() {
    for (int cycle = 1; cycle <= 5; cycle++) {
      scheduler.advance(INTERVAL);
      assertThat(pings()).isEqualTo(cycle);
      scheduler.advance(TIMEOUT.minus(MS));
      transport.receive("3");
    }

    assertThat(session.isOpen()).isTrue();
    assertThat(listener.closes()).isEmpty();

    // and once the client stops answering, the session ends
    scheduler.advance(INTERVAL.plus(TIMEOUT));
    assertThat(listener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
    assertThat(transport.contractViolations()).isEmpty();
  }

  @Test
  void theNextPingComesPingIntervalAfterThePong() {
    scheduler.advance(INTERVAL);
    scheduler.advance(Duration.ofMillis(30));
    transport.receive("3");

    scheduler.advance(INTERVAL.minus(MS));
    assertThat(pings()).isEqualTo(1);
    scheduler.advance(MS);

    assertThat(pings()).isEqualTo(2);
  }

  @Test
  void aPongWithoutPingChangesNothing() {
    scheduler.advance(Duration.ofMillis(60));
    transport.receive("3");

    scheduler.advance(Duration.ofMillis(40));
    assertThat(pings()).as("the first ping still comes at pingInterval").isEqualTo(1);
    scheduler.advance(TIMEOUT);

    assertThat(listener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
  }

  @Test
  void aClosedSessionPingsNoMore() {
    session.close(CloseReason.FORCED_CLOSE, null);

    scheduler.advance(INTERVAL.multipliedBy(3));

    assertThat(pings()).isZero();
    assertThat(listener.closes()).containsExactly(CloseReason.FORCED_CLOSE);
  }

  @Test
  void aPingWaitsForABusyTransportAndStillTimesOut() {
    TestTransport busy = TestTransport.polling();
    RecordingListener busyListener = new RecordingListener();
    EngineServer other = new EngineServer(EngineOptions.builder().pingInterval(INTERVAL).pingTimeout(TIMEOUT).build(),
        scheduler, s -> busyListener);
    busy.open(other, TestRequests.handshake("polling"));
    busy.drain(); // the open packet answers the first poll; no poll is pending afterwards

    scheduler.advance(INTERVAL.plus(TIMEOUT));

    assertThat(busy.texts()).doesNotContain("2");
    assertThat(busyListener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
  }

  /** Under load a ping can wait behind a long write: the client's pingTimeout starts when the ping goes out. */
  @Test
  void thePongTimeStartsWhenThePingIsHandedToTheTransportNotWhenItIsQueued() {
    TestTransport busy = TestTransport.websocket();
    RecordingListener busyListener = new RecordingListener();
    EngineServer other = new EngineServer(EngineOptions.builder().pingInterval(INTERVAL).pingTimeout(TIMEOUT).build(),
        scheduler, s -> busyListener);
    EngineSession slow = busy.open(other, TestRequests.handshake("websocket"));
    busy.drain(); // writes the open packet; the transport stays busy with it until the next drain
    scheduler.advance(INTERVAL); // the ping is queued behind it

    scheduler.advance(TIMEOUT.minus(MS));
    busy.drain(); // the write completes and the queued ping goes out, 49 ms late
    assertThat(busy.texts()).last().isEqualTo("2");
    scheduler.advance(TIMEOUT.minus(MS));
    busy.receive("3");

    assertThat(slow.isOpen()).isTrue();
    assertThat(busyListener.closes()).isEmpty();
  }

  @Test
  void aPingHandedOverLateStillGetsOnlyPingTimeoutForItsPong() {
    TestTransport busy = TestTransport.websocket();
    RecordingListener busyListener = new RecordingListener();
    EngineServer other = new EngineServer(EngineOptions.builder().pingInterval(INTERVAL).pingTimeout(TIMEOUT).build(),
        scheduler, s -> busyListener);
    busy.open(other, TestRequests.handshake("websocket"));
    busy.drain();
    scheduler.advance(INTERVAL);
    scheduler.advance(Duration.ofMillis(20));
    busy.drain();

    scheduler.advance(TIMEOUT.minus(MS));
    assertThat(busyListener.closes()).isEmpty();
    scheduler.advance(MS);

    assertThat(busyListener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
  }

  @Test
  void withARealSchedulerASilentClientIsClosedAfterPingTimeout() {
    ScheduledThreadPoolExecutor real = new ScheduledThreadPoolExecutor(1);
    try {
      RecordingListener realListener = new RecordingListener();
      EngineServer realServer = new EngineServer(EngineOptions.builder().pingInterval(Duration.ofMillis(50))
          .pingTimeout(Duration.ofMillis(50)).build(), real, s -> realListener);
      TestTransport ws = TestTransport.websocket().autoDrain(true);
      EngineSession realSession = ws.open(realServer, TestRequests.handshake("websocket"));
      ws.drain();

      await().atMost(Duration.ofSeconds(10)).until(() -> !realListener.closes().isEmpty());

      assertThat(ws.texts()).contains("2");
      assertThat(realListener.closes()).containsExactly(CloseReason.PING_TIMEOUT);
      assertThat(realSession.isOpen()).isFalse();
    } finally {
      real.shutdownNow();
    }
  }

  private long pings() {
    return transport.texts().stream().filter("2"::equals).count();
  }
}
