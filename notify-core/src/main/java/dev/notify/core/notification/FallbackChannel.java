package dev.notify.core.notification;

/**
 * Another way to reach a user whose devices did not acknowledge a notification: mobile push, e-mail, SMS. The
 * notification stays pending in the inbox either way and is delivered on the user's next connection. Called on a
 * handler thread; hand slow work off.
 */
@FunctionalInterface
public interface FallbackChannel {

  /** Why the fallback was called. */
  enum Reason {
    /** The user had no connected device. */
    OFFLINE,
    /** Connected devices did not acknowledge it within the attempts. */
    NOT_ACKNOWLEDGED
  }

  void deliver(StoredNotification notification, Reason reason);
}
