package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.ServerHealth;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExecutable;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Redis goes away while traffic flows: killed and restarted, its subscriptions dropped, or frozen. Each test runs
 * its own redis-server on a free port (sharded mode needs Redis 7+). Every node keeps serving its own clients,
 * emits never block the caller (each call is timed), what cannot be published is counted, and cross-node delivery
 * resumes by itself.
 */
class RedisOutageIT {

  /**
   * Far above an emit's cost (microseconds: encode and queue), below a connect timeout (2 s): an emit that waited
   * for Redis would take that long. Wall time, so a loaded 2-core machine adds stalls (217 ms seen beside a hog).
   */
  private static final long MAX_EMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

  private static RedisAdapterOptions options(RedisServer redis, String test, RedisMode mode) {
    return RedisAdapterOptions.builder().url(redis.url()).key(test).mode(mode)
        .reconnectMinDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofSeconds(1))
        .healthCheckInterval(Duration.ofMillis(500)).requestsTimeout(Duration.ofSeconds(2)).build();
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aKilledRedisNeverBlocksEmitsAndCrossNodeDeliveryResumesAfterItsRestart(RedisMode mode) throws Exception {
    RedisExecutable.get().assumeSupports(mode);
    try (RedisServer redis = RedisServer.start();
        Cluster cluster = Cluster.start(options(redis, "outage", mode), 2)) {
      TestClient local = cluster.node(0).client("room1");
      TestClient remote = cluster.node(1).client("room1");
      cluster.node(0).io().to("room1").emit("before");
      remote.await("before", 1);

      assertThat(cluster.node(0).io().health().checks().get("adapter").up()).isTrue();
      redis.kill();
      await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.node(0).factory().redisAvailable());
      // local clients are still served: the node says so, and stays in the balancer
      ServerHealth during = cluster.node(0).io().health();
      assertThat(during.status()).as(during.toJson()).isEqualTo(ServerHealth.Status.DEGRADED);
      assertThat(during.ready()).isTrue();
      assertThat(during.checks().get("adapter").detail()).contains("cluster traffic not settled");

      long slowest = 0;
      for (int i = 0; i < 200; i++) {
        long start = System.nanoTime();
        cluster.node(0).io().to("room1").emit("during", i);
        slowest = Math.max(slowest, System.nanoTime() - start);
      }
      assertThat(slowest).as("slowest emit during the outage, ns").isLessThan(MAX_EMIT_NANOS);
      local.await("during", 200);
      assertThat(cluster.node(0).factory().droppedPublishes()).isGreaterThanOrEqualTo(200);
      Throwable fetch = org.assertj.core.api.Assertions.catchThrowable(() ->
          cluster.node(0).io().fetchSockets().get(5, TimeUnit.SECONDS));
      assertThat(fetch).isInstanceOf(ExecutionException.class).cause().isInstanceOf(RedisUnavailableException.class);

      redis.restart();
      long restarted = System.nanoTime();
      AtomicInteger n = new AtomicInteger();
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
        cluster.node(0).io().to("room1").emit("after", n.incrementAndGet());
        return !remote.received("after").isEmpty();
      });
      long resumedMillis = (System.nanoTime() - restarted) / 1_000_000;
      assertThat(resumedMillis).as("ms from restart to cross-node delivery").isLessThan(15_000);
      // cross-node delivery proves node 0 is back; node 1 may still be reconnecting its own connections
      await().atMost(Duration.ofSeconds(15)).until(() -> cluster.node(0).factory().redisAvailable()
          && cluster.node(1).factory().redisAvailable());
      await().atMost(Duration.ofSeconds(15)).until(() ->
          cluster.node(0).io().health().status() == ServerHealth.Status.UP);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(cluster.node(1).io().fetchSockets().get(10, TimeUnit.SECONDS)).hasSize(2));
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void droppedSubscriptionsAreRestoredByThemselves(RedisMode mode) {
    RedisExecutable.get().assumeSupports(mode);
    try (RedisServer redis = RedisServer.start();
        Cluster cluster = Cluster.start(options(redis, "kill-sub", mode), 2)) {
      TestClient remote = cluster.node(1).client("room1");

      try (Connection admin = new Connection(new HostAndPort("127.0.0.1", redis.port()))) {
        admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
        assertThat(admin.getIntegerReply()).isGreaterThanOrEqualTo(2);
      }

      AtomicInteger n = new AtomicInteger();
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
        cluster.node(0).io().to("room1").emit("after", n.incrementAndGet());
        return !remote.received("after").isEmpty();
      });
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aFrozenRedisNeverBlocksEmitsAndIsFoundOutByTheHealthCheck(RedisMode mode) throws Exception {
    RedisExecutable.get().assumeSupports(mode);
    try (RedisServer redis = RedisServer.start();
        Cluster cluster = Cluster.start(options(redis, "frozen", mode), 2)) {
      TestClient local = cluster.node(0).client("room1");
      TestClient remote = cluster.node(1).client("room1");
      signal("STOP", redis.pid());
      try {
        long slowest = 0;
        for (int i = 0; i < 100; i++) {
          long start = System.nanoTime();
          cluster.node(0).io().to("room1").emit("during", i);
          slowest = Math.max(slowest, System.nanoTime() - start);
        }
        assertThat(slowest).as("slowest emit while Redis is frozen, ns").isLessThan(MAX_EMIT_NANOS);
        local.await("during", 100);
        // the subscription's PING gets no answer: the link is declared down
        await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.node(1).factory().redisAvailable());
      } finally {
        signal("CONT", redis.pid());
      }
      AtomicInteger n = new AtomicInteger();
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
        cluster.node(0).io().to("room1").emit("after", n.incrementAndGet());
        return !remote.received("after").isEmpty();
      });
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
