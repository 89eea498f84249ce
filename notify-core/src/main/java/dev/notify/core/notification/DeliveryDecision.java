package dev.notify.core.notification;

/** What the preferences hook decides for one user and notification type. */
public enum DeliveryDecision {
  /** Store it and deliver it now (the default). */
  DELIVER,
  /** Store it in the inbox, unread, without pushing it to the user's devices. */
  STORE_SILENTLY,
  /** Neither store nor deliver it. */
  DROP
}
