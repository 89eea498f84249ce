package dev.notify.examples.cdi;

import dev.notify.core.server.Emitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** An ordinary service bean: it reaches every connected page through the injected {@link Emitter}. */
@ApplicationScoped
public class Notifications {

  /** The room every client joins ({@link Lobby}). */
  static final String EVERYONE = "everyone";

  /** What a page receives as {@code notification}; Jackson turns it into JSON. */
  public record Notification(String id, String text, String sentAt) {
  }

  @Inject
  Emitter emitter;

  /** Sends {@code text} to every connected page. */
  public Notification broadcast(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank() || text.length() > 200) {
      throw new IllegalArgumentException("text must have 1 to 200 characters, had " + text.length());
    }
    Notification notification = new Notification(UUID.randomUUID().toString(), text, Instant.now().toString());
    emitter.to(EVERYONE).emit("notification", notification);
    return notification;
  }
}
