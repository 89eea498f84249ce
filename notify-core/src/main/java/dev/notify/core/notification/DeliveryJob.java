package dev.notify.core.notification;

import java.time.Instant;
import java.util.Objects;

/**
 * A pending delivery of one notification to one user, as the store's durable queue holds it.
 *
 * @param attempt 1 for the first try
 * @param notBefore the job is not claimed before this time
 * @param handle the store's reference to the queued entry (a stream id for Redis), opaque to the service
 * @param notification the notification as the store read it when the job was claimed, or {@code null} when the
 *     store did not read it then (the service then finds it): a store that can read it in the claim saves every
 *     delivery a round trip
 */
public record DeliveryJob(NotificationId id, String userId, Priority priority, int attempt, Instant notBefore,
    String handle, StoredNotification notification) {

  public DeliveryJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(notBefore, "notBefore");
    if (notification != null && !notification.id().equals(id)) {
      throw new IllegalArgumentException("job " + id + " carries notification " + notification.id());
    }
  }

  /** A job that does not carry its notification. */
  public DeliveryJob(NotificationId id, String userId, Priority priority, int attempt, Instant notBefore,
      String handle) {
    this(id, userId, priority, attempt, notBefore, handle, null);
  }
}
