package dev.notify.cdi;

import dev.notify.core.server.NotifyServer;

/**
 * The CDI event fired once, when the application's {@link NotifyServer} has been built and before its transports
 * are mounted: observe it to add middlewares and handlers before any client can connect.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class Chat {
 *   void onStart(@Observes NotifyStarting event) {
 *     event.io().use(auth).onConnection(socket -> socket.join("news"));
 *   }
 * }
 * }</pre>
 *
 * <p>Observers are called synchronously on the thread that starts the application; one that throws fails the
 * startup, and the server is closed. Immutable.
 */
public final class NotifyStarting {

  private final NotifyServer io;

  NotifyStarting(NotifyServer io) {
    this.io = io;
  }

  /** The server, Socket.IO's {@code io}: add {@code use}, {@code onConnection} and namespaces here. */
  public NotifyServer io() {
    return io;
  }

  @Override
  public String toString() {
    return "NotifyStarting[" + io.options().engine().path() + "]";
  }
}
