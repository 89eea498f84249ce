package dev.notify.cdi.apps;

import dev.notify.core.server.NotifyServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;

/** An application that configures the server in code: its builder, with the notify.* settings applied over it. */
@ApplicationScoped
public class BuilderProducer {

  @Produces
  NotifyServer.Builder notifyBuilder() {
    return NotifyServer.builder().path("/from-builder/").pingInterval(Duration.ofSeconds(7));
  }
}
