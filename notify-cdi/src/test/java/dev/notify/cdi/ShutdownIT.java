package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.cdi.apps.Headlines;
import dev.notify.cdi.apps.News;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stopping the web application closes the server: every thread it started ends. */
class ShutdownIT {

  /** notify-jakarta's WebSocket closer is one pool for the JVM, not the server's: it idles out 2 s after its work. */
  static final Duration THREADS_END = Duration.ofSeconds(20);

  @Test
  void stoppingTheApplicationLeavesNoThreadOfItsOwn() throws Exception {
    NewThreads threads = new NewThreads();
    CdiApp app = CdiApp.start(Set.of(News.class, Headlines.class), Map.of());
    try (Clients.Client polling = Clients.connect(app.port(), "/socket.io/", "polling");
        Clients.Client websocket = Clients.connect(app.port(), "/socket.io/", "websocket")) {
      app.bean(Headlines.class).publish("before shutdown");
      assertThat(polling.nextHeadline()).isEqualTo("before shutdown");
      assertThat(websocket.nextHeadline()).isEqualTo("before shutdown");
      assertThat(threads.names()).anyMatch(name -> name.startsWith("notify-"));
    } finally {
      app.close();
    }
    await().atMost(THREADS_END).untilAsserted(() -> assertThat(threads.names()).isEmpty());
  }
}
