package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.jakarta.testing.Clients;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the application on one Redis ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}) form
 * a cluster: the service of one reaches the clients of the other.
 */
class RedisClusterTest {

  private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

  @Test
  void anEmitOnOneInstanceReachesAClientOfTheOther() throws Exception {
    String key = "notify-spring-" + UUID.randomUUID().toString().substring(0, 8);
    try (ConfigurableApplicationContext a = start(key); ConfigurableApplicationContext b = start(key);
        Clients.Client client = Clients.connect(port(b), "/socket.io/", "websocket")) {
      // the Redis subscription of b is asynchronous: publish until the first headline arrives
      TestApp.NewsService news = a.getBean(TestApp.NewsService.class);
      String received = null;
      for (int attempt = 0; received == null && attempt < 100; attempt++) {
        news.publish("from a");
        received = client.headlines().poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      assertThat(received).isEqualTo("from a");
    }
  }

  private static ConfigurableApplicationContext start(String key) {
    return new SpringApplicationBuilder(TestApp.class)
        .properties("server.port=0", "server.address=127.0.0.1", "notify.redis.url=" + REDIS_URL,
            "notify.redis.key=" + key)
        .run();
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }
}
