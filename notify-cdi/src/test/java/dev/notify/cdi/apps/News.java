package dev.notify.cdi.apps;

import dev.notify.cdi.NotifyStarting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;

/**
 * Handlers as an application writes them: every client joins {@code news} and is told so; {@code echo} answers its
 * arguments, {@code stamp} a {@link Stamp} of the instant it was given.
 */
@ApplicationScoped
public class News {

  /** What a business object looks like: a record with a {@code java.time} value. */
  public record Stamp(String label, Instant at) {
  }

  void onStart(@Observes NotifyStarting event) {
    event.io().onConnection(socket -> {
      socket.join("news");
      socket.emit("joined", "news");
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.on("stamp", (args, ack) -> ack.send(new Stamp("given", Instant.parse(args.get(0).asText()))));
    });
  }
}
