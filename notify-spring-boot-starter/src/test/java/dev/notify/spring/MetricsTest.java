package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/** With Micrometer and Boot's metrics on the class path, notify's meters are in the application's registry. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class MetricsTest {

  private static final int CLIENTS = 3;

  @LocalServerPort
  int port;

  @Autowired
  MeterRegistry registry;

  @Test
  void theApplicationRegistryIsBootsOwn() {
    // no export configured: Boot's fallback registry, not one the starter made
    assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
  }

  @Test
  void connectedClientsShowInTheApplicationRegistry() {
    List<Clients.Client> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(Clients.connect(port, "/socket.io/", "websocket"));
      }
      await().atMost(Clients.DEADLINE).untilAsserted(() -> {
        assertThat(gauge("notify.connections")).isEqualTo(CLIENTS);
        assertThat(gauge("notify.sockets", "namespace", "/")).isEqualTo(CLIENTS);
      });
      assertThat(registry.get("notify.connections.opened").tags("transport", "websocket").counter().count())
          .isEqualTo(CLIENTS);
    } finally {
      clients.forEach(Clients.Client::close);
    }
    await().atMost(Clients.DEADLINE).until(() -> gauge("notify.connections") == 0);
    assertThat(gauge("notify.sockets", "namespace", "/")).isZero();
  }

  private double gauge(String name, String... tags) {
    Gauge gauge = registry.find(name).tags(tags).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }
}
