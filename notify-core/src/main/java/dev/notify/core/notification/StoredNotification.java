package dev.notify.core.notification;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A notification as stored for one user, with its delivery state. Immutable.
 *
 * @param id unique, time-ordered
 * @param userId the recipient
 * @param data JSON data, or a JSON null
 * @param expiresAt when it stops being delivered and leaves the inbox, or {@code null}
 * @param deliveredAt when the user's first device acknowledged it, or {@code null}
 * @param readAt when it was marked read, or {@code null}
 * @param idempotencyKey the sender's key that makes a repeated send store nothing (see
 *     {@link Notification#idempotencyKey}), or {@code null}
 */
public record StoredNotification(NotificationId id, String userId, String type, String title, String message,
    JsonNode data, Priority priority, Instant createdAt, Instant expiresAt, NotificationStatus status,
    Instant deliveredAt, Instant readAt, String idempotencyKey) {

  public StoredNotification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(status, "status");
  }

  public boolean isExpired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** This notification, delivered at {@code at} (unless it already was, or was read). */
  public StoredNotification delivered(Instant at) {
    return status != NotificationStatus.PENDING ? this : new StoredNotification(id, userId, type, title,
        message, data, priority, createdAt, expiresAt, NotificationStatus.DELIVERED, at, readAt, idempotencyKey);
  }

  /** This notification, read at {@code at} (unless it already was). */
  public StoredNotification read(Instant at) {
    return status == NotificationStatus.READ ? this : new StoredNotification(id, userId, type, title, message,
        data, priority, createdAt, expiresAt, NotificationStatus.READ, deliveredAt == null ? at : deliveredAt, at,
        idempotencyKey);
  }
}
