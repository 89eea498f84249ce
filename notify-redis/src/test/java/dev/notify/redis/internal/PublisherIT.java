package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.RedisConnectionOptions;
import dev.notify.redis.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The publisher's shared queries: one round trip for the callers that asked while it waited, none after. */
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
        await(release);
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

  private static void await(CountDownLatch latch) {
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
