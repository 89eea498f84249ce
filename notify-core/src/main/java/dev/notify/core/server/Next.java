package dev.notify.core.server;

/**
 * Lets a middleware pass or stop what it was given. Call exactly one method, once, from any thread, now or
 * later; later calls are ignored.
 */
public interface Next {

  /** Passes on to the next middleware, then to the handlers. */
  void accept();

  /** Stops here. For a connection, the client gets {@code connect_error} with this message. */
  default void reject(String message) {
    reject(message, null);
  }

  /**
   * Stops here. For a connection, the client gets {@code connect_error} with {@code {message, data}};
   * for an event, the socket's error handlers get a {@link MiddlewareException}.
   *
   * @param data anything Jackson serializes, or {@code null}
   */
  void reject(String message, Object data);
}
