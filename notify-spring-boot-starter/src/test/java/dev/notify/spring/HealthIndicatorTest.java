package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.testing.Clients;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/** With Actuator's health on the class path, notify's health is the {@code notify} component. */
class HealthIndicatorTest {

  @Test
  void readyIsUpAndDrainingIsOutOfService() {
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class)
        .properties("server.port=0", "server.address=127.0.0.1").run()) {
      HealthIndicator indicator = app.getBean("notifyHealthIndicator", HealthIndicator.class);
      await().atMost(Clients.DEADLINE).until(() -> indicator.health().getStatus().equals(Status.UP));
      Health up = indicator.health();
      assertThat(up.getDetails()).containsEntry("status", "UP").containsEntry("ready", true);
      assertThat(String.valueOf(((Map<?, ?>) up.getDetails().get("checks")).keySet()))
          .contains("server", "executor", "adapter");

      app.getBean(NotifyServer.class).drain(Duration.ofSeconds(30));
      Health draining = indicator.health();
      assertThat(draining.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      assertThat(draining.getDetails()).containsEntry("status", "DRAINING").containsEntry("ready", false);
    }
  }
}
