package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.cdi.apps.Headlines;
import dev.notify.cdi.apps.News;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Stopping the web application closes the server: every thread it started ends. */
class ShutdownIT {

  @Test
  void stoppingTheApplicationLeavesNoThreadOfItsOwn() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    CdiApp app = CdiApp.start(Set.of(News.class, Headlines.class), Map.of());
    try (Clients.Client polling = Clients.connect(app.port(), "/socket.io/", "polling");
        Clients.Client websocket = Clients.connect(app.port(), "/socket.io/", "websocket")) {
      app.bean(Headlines.class).publish("before shutdown");
      assertThat(polling.nextHeadline()).isEqualTo("before shutdown");
      assertThat(websocket.nextHeadline()).isEqualTo("before shutdown");
      assertThat(threadsSince(before)).anyMatch(name -> name.startsWith("notify-"));
    } finally {
      app.close();
    }
    // notify-jakarta's WebSocket closer is one pool for the JVM, not the server's: it idles out 2 s after its work
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(threadsSince(before)).isEmpty());
  }

  /**
   * The live threads that were not there before, but for the Java client's (its OkHttp pool, Okio watchdog and
   * event thread outlive a disconnect by design) and Awaitility's own.
   */
  private static List<String> threadsSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(name -> !name.startsWith("OkHttp") && !name.startsWith("Okio") && !name.equals("EventThread")
            && !name.startsWith("awaitility"))
        .sorted()
        .collect(Collectors.toList());
  }
}
