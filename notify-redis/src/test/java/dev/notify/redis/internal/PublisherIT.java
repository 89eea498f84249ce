package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.redis.RedisConnectionOptions;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * The publisher's shared queries: one round trip for the callers that asked while it waited, none after. Its replies,
 * read after the fact: a refusal is still counted with no traffic after it, and does not cost the messages around it;
 * a Redis killed under it and restarted, and an outage another part saw first.
 */
@ExtendWith(RedisExtension.class)
class PublisherIT {

  @Test
  void callersShareAQueryOnlyWhileItWaitsInTheQueue() throws Exception {
    String channel = RedisExtension.uniqueKey("publisher-shared");
    try (RedisConnector connector = new RedisConnector(RedisConnectionOptions.fromUrl(RedisExtension.url()));
        Publisher publisher = new Publisher(connector, 10_000, new Health(() -> "test"), Duration.ofMillis(50),
            Duration.ofSeconds(1), "test-publisher")) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Integer> blocker = publisher.query("blocker", c -> {
        started.countDown();
        awaitReleased(release);
        return 0;
      });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      AtomicInteger runs = new AtomicInteger();
      List<CompletableFuture<Long>> waiting = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        waiting.add(publisher.sharedQuery("count " + channel, c -> {
          runs.incrementAndGet();
          return c.numsub(channel, false);
        }));
      }
      CompletableFuture<Long> otherKey = publisher.sharedQuery("other " + channel, c -> {
        runs.incrementAndGet();
        return c.numsub(channel, false);
      });
      release.countDown();

      assertThat(blocker.get(10, TimeUnit.SECONDS)).isZero();
      for (CompletableFuture<Long> f : waiting) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isZero();
      }
      assertThat(otherKey.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(waiting).allSatisfy(f -> assertThat(f).isSameAs(waiting.get(0)));
      assertThat(runs).hasValue(2);

      // once started, a query is not joined: a later caller gets a fresh answer of its own
      CompletableFuture<Long> later = publisher.sharedQuery("count " + channel, c -> {
        runs.incrementAndGet();
        return c.numsub(channel, false);
      });
      assertThat(later).isNotSameAs(waiting.get(0));
      assertThat(later.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(runs).hasValue(3);
    }
  }

  @Test
  void aRefusedPublishIsCountedOnceIdleAndTheMessagesAroundItArrive() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Connection admin = new Connection(new HostAndPort("127.0.0.1", redis.port()))) {
      // an ACL user that may publish on ok-* only: Redis answers a publish elsewhere with a NOPERM error reply
      admin.executeCommand(new CommandArguments(Protocol.Command.ACL)
          .add("SETUSER").add("publisher").add("on").add(">secret").add("+@all").add("~*").add("resetchannels")
          .add("&ok-*"));
      try (RedisConnector asAdmin = new RedisConnector(RedisConnectionOptions.fromUrl(redis.url()));
          Subscriber subscriber = new Subscriber(asAdmin, new Health(() -> "test"), Duration.ofMillis(50),
              Duration.ofSeconds(1), Duration.ofMillis(500));
          RedisConnector asPublisher = new RedisConnector(RedisConnectionOptions.fromUrl(
              "redis://publisher:secret@127.0.0.1:" + redis.port()));
          Publisher publisher = new Publisher(asPublisher, 10_000, new Health(() -> "test"), Duration.ofMillis(50),
              Duration.ofSeconds(1), "test-publisher")) {
        List<String> received = new CopyOnWriteArrayList<>();
        subscriber.subscribe(Subscriber.Kind.PATTERN, "*",
            (channel, payload) -> received.add(channel + "=" + new String(payload, StandardCharsets.UTF_8)))
            .get(10, TimeUnit.SECONDS);

        assertThat(publisher.publish(bytes("ok-1"), bytes("before"), false)).isTrue();
        assertThat(publisher.publish(bytes("elsewhere"), bytes("refused"), false)).isTrue();
        assertThat(publisher.publish(bytes("ok-1"), bytes("after"), false)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.refused() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("ok-1=before", "ok-1=after");
        assertThat(publisher.available()).isTrue();
        assertThat(publisher.dropped()).isZero();

        // the connection is still in use: a later message arrives, and a query runs after it
        assertThat(publisher.publish(bytes("ok-2"), bytes("later"), false)).isTrue();
        assertThat(publisher.query("numsub", c -> c.numsub("ok-2", false)).get(10, TimeUnit.SECONDS)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(received.get(2)).isEqualTo("ok-2=later");
        assertThat(publisher.refused()).isEqualTo(1);
      }
    }
  }

  @Test
  void publishesFlowAgainAfterRedisIsKilledAndRestarted() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisConnector connector = new RedisConnector(RedisConnectionOptions.fromUrl(redis.url()));
        Publisher publisher = new Publisher(connector, 10_000, new Health(() -> "test"), Duration.ofMillis(20),
            Duration.ofMillis(200), "test-publisher")) {
      assertThat(publisher.query("numsub", c -> c.numsub("x", false)).get(10, TimeUnit.SECONDS)).isZero();
      redis.kill();
      // writes to the dead connection fail: the publisher drops them, closes it and probes until Redis is back
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        publisher.publish(bytes("down"), bytes("lost"), false);
        return publisher.dropped() > 0 && !publisher.available();
      });
      redis.restart();

      try (Heard heard = new Heard(redis.url(), "up")) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          publisher.publish(bytes("up"), bytes("again"), false);
          return !heard.payloads.isEmpty();
        });
      }
    }
  }

  @Test
  void aMessageAfterAnOutageSeenByAnotherPartGoesOutOnAFreshConnection() throws Exception {
    Health health = new Health(() -> "test");
    try (RedisServer redis = RedisServer.start();
        RedisConnector connector = new RedisConnector(RedisConnectionOptions.fromUrl(redis.url()));
        Publisher publisher = new Publisher(connector, 10_000, health, Duration.ofMillis(20), Duration.ofMillis(200),
            "test-publisher")) {
      // the publisher's own connection is open and idle
      assertThat(publisher.publish(bytes("before"), bytes("x"), false)).isTrue();
      assertThat(publisher.query("numsub", c -> c.numsub("x", false)).get(10, TimeUnit.SECONDS)).isZero();

      redis.kill();
      health.down("subscription", new IOException("connection reset")); // as a subscription reports it
      await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.available());
      redis.restart();
      health.up("subscription");
      await().atMost(Duration.ofSeconds(10)).until(publisher::available);

      try (Heard heard = new Heard(redis.url(), "after")) {
        long dropped = publisher.dropped();

        // sent once: written to the connection of before the outage, it would be lost
        assertThat(publisher.publish(bytes("after"), bytes("first"), false)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.payloads.contains("first"));
        assertThat(publisher.dropped()).isEqualTo(dropped);
        assertThat(publisher.available()).isTrue();
      }
    }
  }

  /** The payloads published on one channel of the Redis at a URL, heard by a subscriber of its own. */
  private static final class Heard implements AutoCloseable {
    final List<String> payloads = new CopyOnWriteArrayList<>();
    private final RedisConnector connector;
    private final Subscriber subscriber;

    Heard(String url, String channel) throws Exception {
      connector = new RedisConnector(RedisConnectionOptions.fromUrl(url));
      subscriber = new Subscriber(connector, new Health(() -> "test"), Duration.ofMillis(50), Duration.ofSeconds(1),
          Duration.ofMillis(500));
      subscriber.subscribe(Subscriber.Kind.CHANNEL, channel,
          (ch, payload) -> payloads.add(new String(payload, StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      subscriber.close();
      connector.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void awaitReleased(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
