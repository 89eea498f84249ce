package dev.notify.core.server;

/**
 * Handles one event from a client. Runs on the server's handler executor, one event of a connection at a time,
 * in the order the client sent them. A handler that throws is logged with the socket id and event; the socket
 * stays connected.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * @param args the event arguments
   * @param ack answers the client, when it asked ({@link Ack#requested()})
   */
  void handle(Args args, Ack ack) throws Exception;
}
