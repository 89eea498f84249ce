package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;

/**
 * A real container serving one {@link NotifyServer} (WebSocket endpoint and long-polling) on
 * {@code 127.0.0.1:<free port>}. Closing it stops the container, not the server.
 */
interface ServedContainer extends AutoCloseable {

  /** The port the container listens on. */
  int port();

  /** {@code http://127.0.0.1:<port>}: what a Socket.IO client connects to. */
  default String url() {
    return "http://127.0.0.1:" + port();
  }

  /** The Engine.IO endpoint, {@code http://127.0.0.1:<port>/socket.io/}, for raw HTTP requests. */
  default String endpoint() {
    return url() + "/socket.io/";
  }

  /** Stops the container; failures are thrown unchecked. */
  @Override
  void close();
}
