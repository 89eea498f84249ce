package dev.notify.cdi.apps;

import dev.notify.cdi.NotifyStarting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Handlers that cannot be set up: the application must not start half-configured. */
@ApplicationScoped
public class FailingHandlers {

  void onStart(@Observes NotifyStarting event) {
    event.io().onConnection(socket -> socket.join("news"));
    throw new IllegalStateException("the handlers' database is down");
  }
}
