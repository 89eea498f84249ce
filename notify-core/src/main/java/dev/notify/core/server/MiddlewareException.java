package dev.notify.core.server;

/** A middleware rejected a connection or an event; carries the message and data it gave. */
public final class MiddlewareException extends NotifyException {

  private static final long serialVersionUID = 1L;

  private final transient Object data;

  public MiddlewareException(String message, Object data) {
    super(message);
    this.data = data;
  }

  /** The data the middleware gave, or {@code null}. */
  public Object data() {
    return data;
  }
}
