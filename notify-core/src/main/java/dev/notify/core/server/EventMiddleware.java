package dev.notify.core.server;

/**
 * Runs for each event of a socket before its handlers, as Socket.IO's {@code socket.use()}. A rejection skips
 * the handlers and reaches the socket's {@link Socket#onError error handlers} as a {@link MiddlewareException}.
 * Same threading as {@link EventHandler}.
 */
@FunctionalInterface
public interface EventMiddleware {
  void handle(String event, Args args, Next next) throws Exception;
}
