package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.redis.RedisConnectionOptions;
import dev.notify.redis.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * The subscriber on a Redis of its own: subscriptions made and ended from many threads at once end up exactly as
 * asked, and every one is sent again after Redis restarts.
 */
class SubscriberIT {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @Test
  void subscriptionsMadeAndEndedFromManyThreadsEndUpAsAsked() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisConnector connector = new RedisConnector(RedisConnectionOptions.fromUrl(redis.url()));
        Subscriber subscriber = new Subscriber(connector, new Health(() -> "test"), Duration.ofMillis(50),
            Duration.ofSeconds(1), Duration.ofMillis(500))) {
      Set<String> received = ConcurrentHashMap.newKeySet();
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<CompletableFuture<Void>> confirmed = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          confirmed.add(CompletableFuture.supplyAsync(() -> {
            List<CompletableFuture<Void>> mine = new ArrayList<>();
            for (int c = 0; c < 25; c++) {
              String channel = "ch-" + thread + "-" + c;
              mine.add(subscriber.subscribe(Subscriber.Kind.CHANNEL, channel,
                  (ch, payload) -> received.add(ch + "=" + new String(payload, StandardCharsets.UTF_8))));
            }
            return mine;
          }, threads).thenCompose(mine -> CompletableFuture.allOf(mine.toArray(new CompletableFuture<?>[0]))));
        }
        CompletableFuture.allOf(confirmed.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);

        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int thread = t;
          ended.add(CompletableFuture.runAsync(() -> {
            for (int c = 0; c < 25; c += 2) {
              subscriber.unsubscribe(Subscriber.Kind.CHANNEL, "ch-" + thread + "-" + c);
            }
          }, threads));
        }
        CompletableFuture.allOf(ended.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
      } finally {
        threads.shutdownNow();
      }

      await().atMost(DEADLINE).until(() -> subscribers(redis, "ch-7-24") == 0 && subscribers(redis, "ch-7-23") == 1);
      for (int t = 0; t < 8; t++) {
        for (int c = 0; c < 25; c++) {
          assertThat(subscribers(redis, "ch-" + t + "-" + c)).as("ch-%d-%d", t, c).isEqualTo(c % 2 == 0 ? 0 : 1);
        }
      }
      publish(redis, "ch-3-1", "kept");
      publish(redis, "ch-3-2", "dropped");
      await().atMost(DEADLINE).until(() -> received.contains("ch-3-1=kept"));
      assertThat(received).doesNotContain("ch-3-2=dropped");
    }
  }

  @Test
  void everySubscriptionIsSentAgainAfterRedisRestarts() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisConnector connector = new RedisConnector(RedisConnectionOptions.fromUrl(redis.url()));
        Subscriber subscriber = new Subscriber(connector, new Health(() -> "test"), Duration.ofMillis(50),
            Duration.ofSeconds(1), Duration.ofMillis(200))) {
      Set<String> received = ConcurrentHashMap.newKeySet();
      subscriber.subscribe(Subscriber.Kind.CHANNEL, "plain", (ch, p) -> received.add(ch))
          .get(10, TimeUnit.SECONDS);
      subscriber.subscribe(Subscriber.Kind.PATTERN, "room#*", (ch, p) -> received.add(ch))
          .get(10, TimeUnit.SECONDS);

      redis.kill();
      await().atMost(DEADLINE).until(() -> !subscriber.connected());
      redis.restart();

      await().atMost(DEADLINE).until(() -> subscriber.connected() && subscribers(redis, "plain") == 1);
      await().atMost(DEADLINE).until(() -> {
        publish(redis, "plain", "x");
        publish(redis, "room#7", "y");
        return received.containsAll(List.of("plain", "room#7"));
      });
    }
  }

  private static long subscribers(RedisServer redis, String channel) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", redis.port()))) {
      c.sendCommand(Protocol.Command.PUBSUB, "NUMSUB", channel);
      List<Object> reply = c.getObjectMultiBulkReply();
      return (Long) reply.get(1);
    }
  }

  private static void publish(RedisServer redis, String channel, String message) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", redis.port()))) {
      c.sendCommand(Protocol.Command.PUBLISH, channel, message);
      c.getIntegerReply();
    }
  }
}
