package dev.notify.examples.cdi;

import dev.notify.cdi.NotifyStarting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** The Socket.IO handlers: every client joins the room the notifications go to, and is welcomed. */
@ApplicationScoped
class Lobby {

  void onStart(@Observes NotifyStarting event) {
    event.io().onConnection(socket -> {
      socket.join(Notifications.EVERYONE);
      socket.emit("welcome", socket.id());
    });
  }
}
