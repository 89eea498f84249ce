package dev.notify.core.notification;

import java.time.Instant;
import java.util.Objects;

/**
 * A pending delivery of one notification to one user, as the store's durable queue holds it.
 *
 * @param attempt 1 for the first try
 * @param notBefore the job is not claimed before this time
 * @param handle the store's reference to the queued entry (a stream id for Redis), opaque to the service
 */
public record DeliveryJob(NotificationId id, String userId, Priority priority, int attempt, Instant notBefore,
    String handle) {

  public DeliveryJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(notBefore, "notBefore");
  }
}
