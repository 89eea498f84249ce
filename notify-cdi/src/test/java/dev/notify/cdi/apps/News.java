package dev.notify.cdi.apps;

import dev.notify.cdi.NotifyStarting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Handlers as an application writes them: every client joins {@code news} and is told so; {@code echo} answers. */
@ApplicationScoped
public class News {

  void onStart(@Observes NotifyStarting event) {
    event.io().onConnection(socket -> {
      socket.join("news");
      socket.emit("joined", "news");
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
  }
}
