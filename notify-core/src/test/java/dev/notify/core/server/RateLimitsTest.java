package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.engine.CloseReason;
import dev.notify.core.engine.ManualScheduler;
import dev.notify.core.engine.TestRequests;
import dev.notify.core.engine.TestTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-socket rate limits: token buckets for all events and for named ones, answers, drops and disconnects. */
class RateLimitsTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final long SECOND = 1_000_000_000L;

  private final List<String> handled = new ArrayList<>();
  private NotifyServer io;

  @AfterEach
  void close() {
    if (io != null) {
      io.close();
    }
  }

  @Test
  void eventsPastTheBurstAreDroppedAndTheClientStaysConnected() {
    TestTransport client = connect(RateLimits.builder().everyEvent(RateLimit.of(5, MINUTE)).build());

    for (int i = 0; i < 8; i++) {
      client.receive("42[\"e\"," + i + "]");
    }

    assertThat(handled).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void anEventOverItsLimitThatAsksForAnAckIsAnsweredWithRetryAfter() throws Exception {
    TestTransport client = connect(RateLimits.builder().everyEvent(RateLimit.of(1, MINUTE)).build());
    client.receive("421[\"e\",1]");

    client.receive("422[\"e\",2]");

    assertThat(handled).containsExactly("e1");
    String answer = client.texts().stream().filter(t -> t.startsWith("432")).findFirst().orElseThrow();
    JsonNode refusal = new ObjectMapper().readTree(answer.substring(3));
    assertThat(refusal.size()).isOne();
    assertThat(refusal.get(0).get("error").asText()).isEqualTo("rate_limited");
    assertThat(refusal.get(0).get("retryAfterMs").asLong()).isBetween(1L, 60_000L);
  }

  @Test
  void anEventWithItsOwnLimitHasItsOwnBucket() {
    TestTransport client = connect(RateLimits.builder()
        .everyEvent(RateLimit.of(100, MINUTE))
        .event("chat", RateLimit.of(2, MINUTE))
        .build());

    for (int i = 0; i < 4; i++) {
      client.receive("42[\"chat\"," + i + "]");
      client.receive("42[\"e\"," + i + "]");
    }

    assertThat(handled).containsExactly("chat0", "e0", "chat1", "e1", "e2", "e3");
  }

  @Test
  void onlyNamedEventsAreLimitedWithoutAnEveryEventLimit() {
    TestTransport client = connect(RateLimits.builder().event("chat", RateLimit.of(1, MINUTE)).build());

    for (int i = 0; i < 3; i++) {
      client.receive("42[\"chat\"," + i + "]");
      client.receive("42[\"e\"," + i + "]");
    }

    assertThat(handled).containsExactly("chat0", "e0", "e1", "e2");
  }

  @Test
  void aClientPastDisconnectAfterViolationsIsDisconnectedForPolicyViolation() {
    TestTransport client = connect(RateLimits.builder().everyEvent(RateLimit.of(2, MINUTE)).disconnectAfter(3)
        .build());

    for (int i = 0; i < 4; i++) {
      client.receive("42[\"e\"," + i + "]");
    }
    assertThat(client.isClosed()).as("2 over the limit").isFalse();
    client.receive("42[\"e\",4]");

    assertThat(client.closeReasons()).containsExactly(CloseReason.POLICY_VIOLATION);
    assertThat(handled).containsExactly("e0", "e1");
  }

  @Test
  void aBucketRefillsAtItsRate() {
    RateLimits limits = RateLimits.builder().everyEvent(RateLimit.of(2, Duration.ofSeconds(1)).burst(3)).build();
    EventLimiter limiter = new EventLimiter(limits, 0);

    assertThat(List.of(limiter.acquire("e", 0), limiter.acquire("e", 0), limiter.acquire("e", 0)))
        .containsOnly(0L);
    assertThat(limiter.acquire("e", 0)).as("ms until a token is back").isEqualTo(500);
    assertThat(limiter.acquire("e", SECOND / 2 - 1)).isEqualTo(1);
    assertThat(limiter.acquire("e", SECOND / 2)).isZero();
    assertThat(limiter.acquire("e", 10 * SECOND)).as("refilled up to the burst only").isZero();
    assertThat(limiter.acquire("e", 10 * SECOND)).isZero();
    assertThat(limiter.acquire("e", 10 * SECOND)).isZero();
    assertThat(limiter.acquire("e", 10 * SECOND)).isEqualTo(500);
    assertThat(limiter.violations()).isEqualTo(3);
  }

  @Test
  void limitsAreCheckedWhenBuilt() {
    assertThatThrownBy(() -> RateLimit.of(0, MINUTE)).hasMessage("events must be > 0, was 0");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO)).hasMessage("period must be > 0, was PT0S");
    assertThatThrownBy(() -> RateLimit.of(1, MINUTE).burst(0)).hasMessage("burst must be > 0, was 0");
    assertThatThrownBy(() -> RateLimits.builder().build())
        .hasMessage("no limit: set everyEvent(...) or event(name, ...)");
    assertThatThrownBy(() -> RateLimits.builder().disconnectAfter(-1))
        .hasMessage("disconnectAfter must be >= 0, was -1");
  }

  private TestTransport connect(RateLimits limits) {
    io = NotifyServer.builder().rateLimits(limits).executor(Runnable::run).scheduler(new ManualScheduler()).build();
    io.onConnection(socket -> socket.onAny((event, args) -> handled.add(event + args.get(0))));
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(io.engine(), TestRequests.handshake("websocket"));
    transport.drain();
    transport.receive("40");
    assertThat(transport.texts()).anyMatch(t -> t.startsWith("40{"));
    return transport;
  }
}
