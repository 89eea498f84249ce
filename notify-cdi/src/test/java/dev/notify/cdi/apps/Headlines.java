package dev.notify.cdi.apps;

import dev.notify.core.server.Emitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** An ordinary service bean of the application: it reaches clients through the injected emitter. */
@ApplicationScoped
public class Headlines {

  @Inject
  Emitter emitter;

  public void publish(String headline) {
    emitter.to("news").emit("headline", headline);
  }
}
