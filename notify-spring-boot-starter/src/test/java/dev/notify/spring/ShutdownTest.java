package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.jakarta.testing.Clients;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the application context closes the server: no notify thread outlives it. */
class ShutdownTest {

  private static final String SHARED_CLOSER = "notify-ws-close-";

  @Test
  void closingTheContextLeavesNoNotifyThreadAlive() {
    ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
        .properties("server.port=0", "server.address=127.0.0.1").run();
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    try (Clients.Client client = Clients.connect(port, "/socket.io/")) {
      assertThat(client.call("echo", "up")).containsExactly("up");
      assertThat(notifyThreads()).isNotEmpty();
      app.close();
      await().atMost(Clients.DEADLINE).untilAsserted(() -> assertThat(notifyThreads())
          .allMatch(name -> name.startsWith(SHARED_CLOSER)));
      // notify-jakarta's WebSocket closer is one pool for the JVM, not the server's: it idles out after 2 s
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(notifyThreads()).isEmpty());
    }
  }

  private static List<String> notifyThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("notify-"))
        .toList();
  }
}
