package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.cdi.apps.Headlines;
import dev.notify.cdi.apps.News;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the application with {@code notify.redis.url} on one Redis ({@code REDIS_URL}, default
 * {@code redis://127.0.0.1:6379}) form a cluster: the service bean of one reaches the clients of the other, and
 * stopping them leaves no Redis thread behind.
 */
class RedisClusterIT {

  private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

  @Test
  void anEmitOfOneInstancesServiceReachesAClientOfTheOther() throws Exception {
    NewThreads threads = new NewThreads();
    Map<String, String> config = Map.of("notify.redis.url", REDIS_URL,
        "notify.redis.key", "notify-cdi-" + UUID.randomUUID().toString().substring(0, 8));
    try (CdiApp a = CdiApp.start(Set.of(News.class, Headlines.class), config);
        CdiApp b = CdiApp.start(Set.of(News.class, Headlines.class), config);
        Clients.Client client = Clients.connect(b.port(), "/socket.io/", "websocket")) {
      Headlines headlines = a.bean(Headlines.class);
      // b subscribes to Redis asynchronously: publish until a headline gets through
      await().atMost(Clients.DEADLINE).untilAsserted(() -> {
        headlines.publish("from a");
        assertThat(client.headlines().poll(200, TimeUnit.MILLISECONDS)).isEqualTo("from a");
      });
    }
    // the Redis connections and their threads are closed with the applications
    await().atMost(ShutdownIT.THREADS_END).untilAsserted(() -> assertThat(threads.names()).isEmpty());
  }
}
