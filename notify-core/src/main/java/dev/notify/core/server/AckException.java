package dev.notify.core.server;

/**
 * An acknowledgement that will not come: the timeout passed ({@link AckTimeoutException}), or the socket
 * disconnected or the server shut down first.
 */
public class AckException extends NotifyException {

  private static final long serialVersionUID = 1L;

  public AckException(String message) {
    super(message);
  }
}
