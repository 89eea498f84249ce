package dev.notify.core.notification;

import dev.notify.core.server.NotifyException;

/** A notification could not be accepted or processed: the backlog is full, or the store failed. */
public class NotificationException extends NotifyException {

  private static final long serialVersionUID = 1L;

  public NotificationException(String message) {
    super(message);
  }

  public NotificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
