package dev.notify.core.notification;

import java.time.Duration;
import java.util.Objects;

/**
 * What to send: a type (for the client and the preferences hook), a title, a message, optional data (anything
 * Jackson serializes), a priority and an optional time to live. Immutable; the modifiers return new instances.
 *
 * <pre>{@code
 * Notification.of("order", "Order shipped", "Your order #1001 is on its way")
 *     .data(Map.of("orderId", 1001))
 *     .priority(Priority.URGENT)
 *     .expiresAfter(Duration.ofDays(7));
 * }</pre>
 */
public final class Notification {

  /** The longest idempotency key: 200 characters. */
  public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 200;

  private final String type;
  private final String title;
  private final String message;
  private final Object data;
  private final Priority priority;
  private final Duration timeToLive;
  private final String idempotencyKey;

  private Notification(String type, String title, String message, Object data, Priority priority,
      Duration timeToLive, String idempotencyKey) {
    this.type = type;
    this.title = title;
    this.message = message;
    this.data = data;
    this.priority = priority;
    this.timeToLive = timeToLive;
    this.idempotencyKey = idempotencyKey;
  }

  /**
   * A normal-priority notification without data that never expires.
   *
   * @throws IllegalArgumentException when the type is blank
   */
  public static Notification of(String type, String title, String message) {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("type must not be blank");
    }
    return new Notification(type, Objects.requireNonNull(title, "title"), Objects.requireNonNull(message,
        "message"), null, Priority.NORMAL, null, null);
  }

  /** With data: anything the server's Jackson mapper serializes, sent to the client as JSON. */
  public Notification data(Object data) {
    return new Notification(type, title, message, data, priority, timeToLive, idempotencyKey);
  }

  public Notification priority(Priority priority) {
    return new Notification(type, title, message, data, Objects.requireNonNull(priority, "priority"),
        timeToLive, idempotencyKey);
  }

  /** Not delivered, and dropped from the inbox, once this long has passed since it was sent; &gt; 0. */
  public Notification expiresAfter(Duration timeToLive) {
    Objects.requireNonNull(timeToLive, "timeToLive");
    if (timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("timeToLive must be > 0, was " + timeToLive);
    }
    return new Notification(type, title, message, data, priority, timeToLive, idempotencyKey);
  }

  /**
   * With a key that makes sending it again harmless: a send to a user who already has a notification with this key
   * (still kept in the inbox) stores and delivers nothing and returns the first one's id. Use it to retry a send
   * whose outcome is unknown. Keys are per user; 1 to {@value #MAX_IDEMPOTENCY_KEY_LENGTH} characters.
   */
  public Notification idempotencyKey(String key) {
    Objects.requireNonNull(key, "idempotencyKey");
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new IllegalArgumentException("idempotencyKey must have 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
          + " characters, had " + key.length());
    }
    return new Notification(type, title, message, data, priority, timeToLive, key);
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String message() {
    return message;
  }

  /** The data as given, or {@code null}. */
  public Object data() {
    return data;
  }

  public Priority priority() {
    return priority;
  }

  /** The time to live, or {@code null} for none. */
  public Duration timeToLive() {
    return timeToLive;
  }

  /** The idempotency key, or {@code null}. */
  public String idempotencyKey() {
    return idempotencyKey;
  }

  @Override
  public String toString() {
    return "Notification{type=" + type + ", title=" + title + ", priority=" + priority + '}';
  }
}
