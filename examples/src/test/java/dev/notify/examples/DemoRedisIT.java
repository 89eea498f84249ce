package dev.notify.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.notify.core.notification.DeliveryJob;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.redis.RedisEmitter;
import dev.notify.redis.RedisNotificationStore;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's Redis when none answers: an embedded one, from the PATH or the binary bundled in embedded-redis (Redis
 * 6.2), each good enough for the Redis notification store, and gone after {@code close()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoRedisIT {

  @Test
  void theBundledBinaryServesTheNotificationStoreAndStopsOnClose() throws Exception {
    String url;
    try (DemoRedis redis = DemoRedis.embedded(true)) {
      url = redis.url();
      assertThat(redis.source()).isEqualTo(DemoRedis.Source.BUNDLED);
      assertStoreWorks(url);
    }
    assertThat(DemoRedis.answersPing(URI.create(url))).as("stopped on close").isFalse();
  }

  @Test
  void theRedisServerOnThePathIsPreferredWhenThereIsOne() throws Exception {
    assumeTrue(onPath("redis-server"), "no redis-server on the PATH: install redis-server 7+ (e.g. apt-get install "
        + "redis-server) to run this test");
    String url;
    try (DemoRedis redis = DemoRedis.embedded(false)) {
      url = redis.url();
      assertThat(redis.source()).isEqualTo(DemoRedis.Source.PATH);
      assertStoreWorks(url);
    }
    assertThat(DemoRedis.answersPing(URI.create(url))).as("stopped on close").isFalse();
  }

  @Test
  void aRedisThatAnswersIsUsedAsItIs() {
    try (DemoRedis embedded = DemoRedis.embedded(false); DemoRedis found = DemoRedis.at(embedded.url())) {
      assertThat(found.source()).isEqualTo(DemoRedis.Source.EXISTING);
      assertThat(found.url()).isEqualTo(embedded.url());
    }
  }

  /**
   * A socket-less sender stores a notification, the inbox shows it unread, its delivery job can be claimed and it
   * can be marked read: the store's Lua scripts and stream commands run on this server.
   */
  private static void assertStoreWorks(String url) throws Exception {
    try (RedisEmitter emitter = RedisEmitter.create(url);
        RedisNotificationStore store = RedisNotificationStore.create(url);
        NotificationService service = NotificationService.builder().emitter(emitter).store(store).build()) {
      NotificationId id = service.send("bob", Notification.of("order", "Order #1 shipped", "On its way."))
          .get(10, TimeUnit.SECONDS);
      assertThat(service.inbox("bob", null, 10).get(10, TimeUnit.SECONDS).items())
          .extracting(n -> n.id()).containsExactly(id);
      assertThat(service.unreadCount("bob").get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(store.claim("demo-redis-it", 10, Duration.ofSeconds(30), Instant.now()).get(10, TimeUnit.SECONDS))
          .extracting(DeliveryJob::id).containsExactly(id);
      assertThat(service.markRead("bob", List.of(id)).get(10, TimeUnit.SECONDS)).containsExactly(id);
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && Stream.of(path.split(File.pathSeparator))
        .anyMatch(dir -> new File(dir, program).canExecute());
  }
}
