package dev.notify.spring;

import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@link NotifyServer#health()} as Actuator's {@code notify} component: {@code UP} when ready (a dependency down,
 * notify's {@code DEGRADED}, stays {@code UP} with the detail, so the node stays in the balancer while it serves its
 * own clients), {@code OUT_OF_SERVICE} while draining, {@code DOWN} otherwise; notify's checks are the details.
 */
final class NotifyHealthIndicator implements HealthIndicator {

  private final ObjectProvider<NotifyServer> server;

  NotifyHealthIndicator(ObjectProvider<NotifyServer> server) {
    this.server = server;
  }

  @Override
  public Health health() {
    ServerHealth health = server.getObject().health();
    Status status = switch (health.status()) {
      case UP, DEGRADED -> Status.UP;
      case DRAINING -> Status.OUT_OF_SERVICE;
      case DOWN -> Status.DOWN;
    };
    Map<String, Object> checks = new LinkedHashMap<>();
    health.checks().forEach((name, check) -> checks.put(name, Map.of("up", check.up(), "detail", check.detail())));
    return Health.status(status).withDetail("status", health.status().name()).withDetail("live", health.live())
        .withDetail("ready", health.ready()).withDetail("checks", checks).build();
  }
}
