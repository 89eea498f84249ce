package dev.notify.core.notification;

/** How urgent a notification is: urgent deliveries are served before normal ones, normal before low. */
public enum Priority {
  URGENT, NORMAL, LOW;

  /** The wire name, lower case. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
