package dev.notify.core.server;

/**
 * Root of the failures notify reports: an acknowledgement that will not come ({@link AckException}), a middleware's
 * refusal ({@link MiddlewareException}), a notification not accepted ({@code NotificationException}), a cluster
 * adapter's failure ({@code RedisAdapterException}). Catch it to handle any of them; argument errors stay
 * {@link IllegalArgumentException} and {@link NullPointerException}.
 */
public class NotifyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotifyException(String message) {
    super(message);
  }

  public NotifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
