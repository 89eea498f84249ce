package dev.notify.core.internal.engine;

/**
 * Why an Engine.IO session closed. {@link #text()} is the reason string of the reference implementation, which
 * Socket.IO passes on as the disconnect reason.
 */
public enum CloseReason {
  /** The client closed the connection, or sent a close packet. */
  TRANSPORT_CLOSE("transport close"),
  /** The connection failed: an I/O error, a payload over {@code maxPayload}, or a client too slow to read. */
  TRANSPORT_ERROR("transport error"),
  /** No pong within {@code pingTimeout} of a ping. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent something that is not Engine.IO or Socket.IO. */
  PARSE_ERROR("parse error"),
  /** The server closed the session. */
  FORCED_CLOSE("forced close"),
  /** The server is shutting down; clients reconnect, to another node in a cluster. */
  SERVER_SHUTTING_DOWN("server shutting down"),
  /**
   * A transport error of one kind: a message, or a packet with its attachments, exceeded {@code maxPayload}
   * (WebSocket close code 1009).
   */
  MESSAGE_TOO_LARGE("transport error"),
  /**
   * A forced close of one kind: the client broke a limit of the server, such as its inbound queue or its rate
   * limits (WebSocket close code 1008).
   */
  POLICY_VIOLATION("forced close");

  private final String text;

  CloseReason(String text) {
    this.text = text;
  }

  /** The reason as the reference implementation words it. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
