package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
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
        .hasMessage("no limit: set everyEvent(...), event(name, ...) or userEvent(name, ...)");
    assertThatThrownBy(() -> RateLimits.builder().userEvent("chat", RateLimit.of(1, MINUTE)).build())
        .hasMessage("userEvent(...) needs perUser(userOf, store): whose limit is it?");
    assertThatThrownBy(() -> RateLimits.builder().everyEvent(RateLimit.of(1, MINUTE)).perUser(s -> "u").build())
        .hasMessage("perUser(...) without userEvent(name, limit): no per-user limit to count");
    assertThatThrownBy(() -> RateLimits.builder().disconnectAfter(-1))
        .hasMessage("disconnectAfter must be >= 0, was -1");
  }

  @Test
  void theSocketsOfOneUserShareTheirPerUserBucketAndOtherUsersHaveTheirOwn() throws Exception {
    RateLimits limits = RateLimits.builder()
        .perUser(socket -> (String) socket.handshake().query().get("user"))
        .userEvent("chat", RateLimit.of(3, MINUTE))
        .build();
    io = NotifyServer.builder().rateLimits(limits).executor(Runnable::run).scheduler(new ManualScheduler()).build();
    io.onConnection(socket -> socket.onAny((event, args) -> handled.add(socket.handshake().query().get("user")
        + ":" + event + args.get(0))));
    TestTransport phone = connect("alice");
    TestTransport laptop = connect("alice");
    TestTransport bob = connect("bob");

    phone.receive("42[\"chat\",1]");
    laptop.receive("42[\"chat\",2]");
    phone.receive("42[\"chat\",3]");
    laptop.receive("421[\"chat\",4]");
    bob.receive("42[\"chat\",1]");
    laptop.receive("42[\"other\",5]");

    assertThat(handled).containsExactly("alice:chat1", "alice:chat2", "alice:chat3", "bob:chat1", "alice:other5");
    String answer = laptop.texts().stream().filter(t -> t.startsWith("431")).findFirst().orElseThrow();
    assertThat(new ObjectMapper().readTree(answer.substring(3)).get(0).get("error").asText())
        .isEqualTo("rate_limited");
  }

  @Test
  void aSocketWithoutAUserHasNoPerUserLimit() {
    RateLimits limits = RateLimits.builder().perUser(socket -> null).userEvent("chat", RateLimit.of(1, MINUTE))
        .build();
    io = NotifyServer.builder().rateLimits(limits).executor(Runnable::run).scheduler(new ManualScheduler()).build();
    io.onConnection(socket -> socket.onAny((event, args) -> handled.add(event + args.get(0))));
    TestTransport anonymous = connect("");

    anonymous.receive("42[\"chat\",1]");
    anonymous.receive("42[\"chat\",2]");

    assertThat(handled).containsExactly("chat1", "chat2");
  }

  @Test
  void perUserRefusalsCountTowardsDisconnectAfter() {
    RateLimits limits = RateLimits.builder().perUser(socket -> "same").userEvent("chat", RateLimit.of(1, MINUTE))
        .disconnectAfter(2).build();
    io = NotifyServer.builder().rateLimits(limits).executor(Runnable::run).scheduler(new ManualScheduler()).build();
    TestTransport client = connect("");

    client.receive("42[\"chat\",1]");
    client.receive("42[\"chat\",2]");
    assertThat(client.isClosed()).isFalse();
    client.receive("42[\"chat\",3]");

    assertThat(client.closeReasons()).containsExactly(CloseReason.POLICY_VIOLATION);
  }

  @Test
  void theInMemoryStoreRefillsAtItsRateAndForgetsFullBuckets() {
    RateLimit limit = RateLimit.of(2, Duration.ofSeconds(1)).burst(3);
    long[] bucket = {0, 0};

    assertThat(List.of(InMemoryRateLimitStore.take(bucket, 0, limit), InMemoryRateLimitStore.take(bucket, 0, limit),
        InMemoryRateLimitStore.take(bucket, 0, limit))).containsOnly(0L);
    assertThat(InMemoryRateLimitStore.take(bucket, 0, limit)).as("ms until a token is back").isEqualTo(500);
    assertThat(InMemoryRateLimitStore.take(bucket, SECOND / 2 - 1, limit)).isEqualTo(1);
    assertThat(InMemoryRateLimitStore.take(bucket, SECOND / 2, limit)).isZero();
    for (int i = 0; i < 3; i++) {
      assertThat(InMemoryRateLimitStore.take(bucket, 10 * SECOND, limit)).as("refilled up to the burst").isZero();
    }
    assertThat(InMemoryRateLimitStore.take(bucket, 10 * SECOND, limit)).isEqualTo(500);

    InMemoryRateLimitStore store = new InMemoryRateLimitStore();
    RateLimit quick = RateLimit.of(1_000_000, Duration.ofSeconds(1));
    for (int user = 0; user < InMemoryRateLimitStore.SWEEP_EVERY * 2; user++) {
      store.acquire("user" + user, "chat", quick);
    }
    assertThat(store.size()).as("buckets full again after a microsecond are swept")
        .isLessThan(InMemoryRateLimitStore.SWEEP_EVERY * 2);
  }

  @Test
  void theInMemoryStoreHoldsAtMostMaxBucketsAndLetsNewUsersThroughPastIt() {
    InMemoryRateLimitStore store = new InMemoryRateLimitStore(10);
    RateLimit once = RateLimit.of(1, Duration.ofMinutes(1));
    for (int user = 0; user < 10; user++) {
      assertThat(store.acquire("user" + user, "chat", once)).isZero();
      assertThat(store.acquire("user" + user, "chat", once)).as("limited: it has a bucket").isPositive();
    }

    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire("user10", "chat", once)).as("past the cap, a new user is not limited here").isZero();
    }
    assertThat(store.size()).isEqualTo(10);
    assertThat(store.acquire("user3", "chat", once)).as("users with a bucket still are").isPositive();
    assertThatThrownBy(() -> new InMemoryRateLimitStore(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBuckets must be >= 1, was 0");
  }

  private TestTransport connect(String user) {
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(io.engine(), TestRequests.request("/engine.io/?EIO=4&transport=websocket&user=" + user));
    transport.drain();
    transport.receive("40");
    assertThat(transport.texts()).anyMatch(t -> t.startsWith("40{"));
    return transport;
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
