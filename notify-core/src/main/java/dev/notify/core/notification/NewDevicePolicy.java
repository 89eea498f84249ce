package dev.notify.core.notification;

/**
 * What a device the store has never seen gets in its first catch-up: nothing sent before it connected, every unread
 * notification the inbox keeps, or only the newest unread ones. Later catch-ups send what the device has not
 * acknowledged since. Immutable.
 */
public final class NewDevicePolicy {

  private static final NewDevicePolicy NONE = new NewDevicePolicy(0);
  private static final NewDevicePolicy UNREAD = new NewDevicePolicy(Integer.MAX_VALUE);

  private final int limit;

  private NewDevicePolicy(int limit) {
    this.limit = limit;
  }

  /** Nothing sent before the device's first connection. */
  public static NewDevicePolicy none() {
    return NONE;
  }

  /** Every unread notification the inbox keeps (the default). */
  public static NewDevicePolicy unread() {
    return UNREAD;
  }

  /** The {@code count} newest unread notifications; &gt;= 1. */
  public static NewDevicePolicy lastUnread(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count + " (use none() for nothing)");
    }
    return new NewDevicePolicy(count);
  }

  /** How many of the newest unread notifications a new device gets: 0 for none, {@code MAX_VALUE} for all. */
  public int limit() {
    return limit;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NewDevicePolicy other && other.limit == limit;
  }

  @Override
  public int hashCode() {
    return limit;
  }

  @Override
  public String toString() {
    return limit == 0 ? "none" : limit == Integer.MAX_VALUE ? "unread" : "lastUnread(" + limit + ")";
  }
}
