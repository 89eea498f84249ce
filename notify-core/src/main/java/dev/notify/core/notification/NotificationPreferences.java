package dev.notify.core.notification;

/**
 * Decides, per user and notification type, whether to deliver now, store silently, or drop: for users who muted
 * a type, quiet hours, and so on. Called once per recipient at send time, on the sender's thread: keep it fast
 * (cache what you look up). The default delivers everything.
 */
@FunctionalInterface
public interface NotificationPreferences {

  /** Delivers everything. */
  NotificationPreferences DELIVER_ALL = (userId, type) -> DeliveryDecision.DELIVER;

  DeliveryDecision decide(String userId, String type);
}
