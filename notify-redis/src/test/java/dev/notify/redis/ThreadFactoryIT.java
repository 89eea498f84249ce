package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.RateLimit;
import dev.notify.redis.testing.RedisExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every thread the Redis parts start comes from the application's {@code threadFactory}, carries a
 * {@code notify-redis-*} name, and ends when its owner is closed, even when the factory makes non-daemon threads.
 */
@ExtendWith(RedisExtension.class)
class ThreadFactoryIT {

  /** The application's factory: non-daemon threads in a group of its own, each one remembered. */
  private static final class AppThreads implements ThreadFactory {
    final ThreadGroup group = new ThreadGroup("app-redis");
    final List<Thread> made = new CopyOnWriteArrayList<>();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(group, task);
      made.add(thread);
      return thread;
    }

    Set<String> names() {
      return made.stream().map(Thread::getName).collect(Collectors.toSet());
    }
  }

  @Test
  void theAdapterEmitterAndStoresRunOnTheApplicationsThreadsAndStopThemOnClose() throws Exception {
    Set<Thread> before = redisThreads();
    AppThreads app = new AppThreads();
    RedisConnectionOptions connection = RedisConnectionOptions.builder().url(RedisExtension.url())
        .threadFactory(app).build();
    String key = RedisExtension.uniqueKey("threads");

    RedisRecoveryStore recovery = RedisRecoveryStore.create(RedisRecoveryStoreOptions.builder()
        .connection(connection).keyPrefix(key + ":recovery").build());
    NotifyServer io = NotifyServer.builder()
        .adapter(RedisAdapter.factory(RedisAdapterOptions.builder().connection(connection).key(key).build()))
        .build();
    RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().connection(connection).key(key)
        .build());
    RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .connection(connection).keyPrefix(key + ":store").build());
    RedisRateLimitStore limits = RedisRateLimitStore.builder()
        .connection(connection.toBuilder().url("redis://127.0.0.1:" + closedPort()).build()).build();
    try {
      io.to("room").emit("hello");
      emitter.to("room").emit("hello");
      assertThat(recovery.append("/", BroadcastOptions.ALL, "tick", new Object[] {1}).get(10, TimeUnit.SECONDS))
          .isNotBlank();
      assertThat(store.unreadCount("alice", Instant.now()).get(10, TimeUnit.SECONDS)).isZero();
      // an unreachable Redis opens the breaker, whose checks run on a thread of their own
      assertThat(limits.acquire("alice", "chat", RateLimit.of(1, Duration.ofMinutes(1)))).isZero();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.names()).contains(
          "notify-redis-adapter-pub", "notify-redis-emitter-pub", "notify-redis-sub-timer",
          "notify-redis-recovery-1", "notify-redis-store-1", "notify-redis-ratelimit-check"));
      assertThat(app.names()).allSatisfy(name -> assertThat(name).startsWith("notify-redis-"));
      assertThat(app.names()).as("a subscriber connection's thread")
          .anyMatch(name -> name.startsWith("notify-redis-sub-") && !name.equals("notify-redis-sub-timer"));
      Set<Thread> started = redisThreads();
      started.removeAll(before);
      assertThat(started).as("notify-redis threads not from the application's factory")
          .allSatisfy(thread -> assertThat(app.made).contains(thread));
    } finally {
      limits.close();
      store.close();
      emitter.close();
      io.close();
      recovery.close();
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(app.made)
        .as("threads still alive after close").noneMatch(Thread::isAlive));
  }

  @Test
  void aFactoryThatGivesNoThreadIsNamedInTheError() {
    RedisConnectionOptions connection = RedisConnectionOptions.builder().url(RedisExtension.url())
        .threadFactory(task -> null).build();
    assertThatThrownBy(() -> RedisEmitter.create(RedisEmitterOptions.builder()
            .connection(connection).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the threadFactory of RedisConnectionOptions gave no thread for notify-redis-emitter-pub");
  }

  private static Set<Thread> redisThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("notify-redis-"))
        .collect(Collectors.toSet());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
