package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.RateLimit;
import dev.notify.core.server.RateLimits;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import dev.notify.redis.testing.TestNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

/**
 * Per-user rate limits shared through Redis: two stores (two nodes) draw on one bucket, buckets refill and expire,
 * a Redis that cannot be reached lets events through, and end to end a user's sockets on two nodes share a limit.
 */
@ExtendWith(RedisExtension.class)
class RedisRateLimitStoreIT {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private RedisRateLimitStore store(String prefix) {
    // generous on a loaded machine: a slow reply is no outage
    RedisRateLimitStore store = RedisRateLimitStore.builder().url(RedisExtension.url()).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(2)).build();
    closeables.add(store);
    return store;
  }

  @Test
  void twoStoresOnOneRedisDrawOnOneBucketPerUserAndEvent() {
    String prefix = RedisExtension.uniqueKey("ratelimit");
    RedisRateLimitStore nodeA = store(prefix);
    RedisRateLimitStore nodeB = store(prefix);
    RateLimit limit = RateLimit.of(1, MINUTE).burst(3);

    assertThat(List.of(nodeA.acquire("alice", "chat", limit), nodeB.acquire("alice", "chat", limit),
        nodeA.acquire("alice", "chat", limit))).containsOnly(0L);
    assertThat(nodeB.acquire("alice", "chat", limit)).as("ms until a token is back").isBetween(1L, 60_000L);
    assertThat(nodeB.acquire("bob", "chat", limit)).as("another user").isZero();
    assertThat(nodeB.acquire("alice", "like", limit)).as("another event").isZero();
  }

  @Test
  void aBucketRefillsAndItsKeyExpiresWhenFull() {
    String prefix = RedisExtension.uniqueKey("ratelimit");
    RedisRateLimitStore store = store(prefix);
    RateLimit limit = RateLimit.of(5, Duration.ofSeconds(1)).burst(1);

    assertThat(store.acquire("alice", "chat", limit)).isZero();
    assertThat(store.acquire("alice", "chat", limit)).isBetween(1L, 200L);
    try (JedisPooled redis = new JedisPooled(RedisExtension.url())) {
      assertThat(redis.pttl(prefix + ":chat:alice")).as("expires once full again").isBetween(1L, 202L);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> store.acquire("alice", "chat", limit) == 0);
  }

  @Test
  void aRedisThatCannotBeReachedLetsEventsThrough() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    RedisRateLimitStore store = RedisRateLimitStore.builder().url("redis://127.0.0.1:" + closedPort).build();
    closeables.add(store);
    RateLimit limit = RateLimit.of(1, MINUTE);

    assertThat(store.acquire("alice", "chat", limit)).isZero();
    assertThat(store.redisAvailable()).isFalse();
    assertThat(store.acquire("alice", "chat", limit)).as("not even tried while down").isZero();
  }

  @Test
  void theSocketsOfAUserOnTwoNodesShareTheLimitAndAreAnsweredRateLimited() throws Exception {
    RedisAdapterOptions options = Cluster.options("ratelimit", RedisMode.CLASSIC).build();
    RedisRateLimitStore store = store(RedisExtension.uniqueKey("ratelimit"));
    RateLimits limits = RateLimits.builder()
        .perUser(socket -> (String) socket.data().get("user"), store)
        .userEvent("chat", RateLimit.of(1, MINUTE).burst(2))
        .build();
    TestNode nodeA = TestNode.start(options, b -> b.rateLimits(limits));
    closeables.add(nodeA::close);
    TestNode nodeB = TestNode.start(options, b -> b.rateLimits(limits));
    closeables.add(nodeB::close);
    for (TestNode node : List.of(nodeA, nodeB)) {
      node.io().onConnection(socket -> socket.on("chat", (args, ack) -> ack.send("ok")));
    }
    TestClient phone = nodeA.clientOf("/", "alice");
    TestClient laptop = nodeB.clientOf("/", "alice");
    TestClient bob = nodeB.clientOf("/", "bob");

    assertThat(phone.emitWithAck("chat", 1).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    assertThat(laptop.emitWithAck("chat", 2).get(10, TimeUnit.SECONDS)).isEqualTo("ok");
    Object refused = phone.emitWithAck("chat", 3).get(10, TimeUnit.SECONDS);
    assertThat(bob.emitWithAck("chat", 1).get(10, TimeUnit.SECONDS)).isEqualTo("ok");

    assertThat(refused).isInstanceOf(JSONObject.class);
    JSONObject answer = (JSONObject) refused;
    assertThat(answer.getString("error")).isEqualTo("rate_limited");
    assertThat(answer.getLong("retryAfterMs")).isBetween(1L, 60_000L);
    assertThat(phone.connected()).isTrue();
  }
}
