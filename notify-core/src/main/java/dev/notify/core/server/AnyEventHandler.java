package dev.notify.core.server;

/** Sees every event of a socket before its own handlers, as Socket.IO's {@code onAny}. Same threading as {@link EventHandler}. */
@FunctionalInterface
public interface AnyEventHandler {
  void handle(String event, Args args) throws Exception;
}
