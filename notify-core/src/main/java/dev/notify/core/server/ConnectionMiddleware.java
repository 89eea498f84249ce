package dev.notify.core.server;

/**
 * Runs for each connection to a namespace before it is accepted, as Socket.IO's {@code io.use()}: check the
 * handshake (auth token, headers, address), fill {@link Socket#data()}, then call {@link Next#accept()} or
 * {@link Next#reject}. Runs on the handler executor; may answer later from any thread. A connection whose
 * middleware never answers is closed after {@code connectTimeout}. A middleware that throws rejects the
 * connection with the message {@code "server error"} and is logged.
 */
@FunctionalInterface
public interface ConnectionMiddleware {
  void handle(Socket socket, Next next) throws Exception;
}
