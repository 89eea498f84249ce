package dev.notify.core.notification;

/** Where a notification stands for its user: pending, then delivered (a device acknowledged it), then read. */
public enum NotificationStatus {
  PENDING, DELIVERED, READ
}
