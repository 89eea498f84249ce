package dev.notify.core.notification;

import java.time.Instant;
import java.util.Objects;

/**
 * What one delivery attempt of a job came to, for {@link NotificationStore#settle}: the job is finished, or tried
 * again at {@code retryAt}.
 *
 * @param retryAt when to try again, or {@code null} when the job is finished
 */
public record DeliveryOutcome(DeliveryJob job, Instant retryAt) {

  public DeliveryOutcome {
    Objects.requireNonNull(job, "job");
  }

  /** The job is finished. */
  public boolean completes() {
    return retryAt == null;
  }
}
