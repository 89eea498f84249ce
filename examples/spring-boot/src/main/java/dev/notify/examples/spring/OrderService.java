package dev.notify.examples.spring;

import dev.notify.core.server.Emitter;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Business code: takes an order and tells the user, on every tab and device, through the injected {@link Emitter}. */
@Service
class OrderService {

  /**
   * What the browser receives as the {@code notification} event, written by notify's Jackson 2 mapper: {@code at} is
   * an ISO-8601 string because that mapper has no {@code java.time} module.
   */
  record Notification(String id, String text, String at) {
  }

  private final Emitter emitter;

  OrderService(Emitter emitter) {
    this.emitter = emitter;
  }

  static String room(String user) {
    return "user:" + user;
  }

  Notification place(String user, String item) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(item, "item");
    Notification notification = new Notification(UUID.randomUUID().toString(), "Order placed: " + item,
        Instant.now().toString());
    emitter.to(room(user)).emit("notification", notification);
    return notification;
  }
}
