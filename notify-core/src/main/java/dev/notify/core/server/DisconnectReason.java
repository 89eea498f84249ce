package dev.notify.core.server;

import dev.notify.core.internal.engine.CloseReason;

/** Why a socket left its namespace, worded as Socket.IO does. */
public enum DisconnectReason {
  /** The server called {@link Socket#disconnect(boolean) disconnect(false)}. */
  SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
  /** The client left the namespace ({@code socket.disconnect()} on the client). */
  CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
  /** The server called {@link Socket#disconnect(boolean) disconnect(true)}, closing the connection. */
  FORCED_SERVER_CLOSE("forced server close"),
  /** The server is shutting down; the client reconnects. */
  SERVER_SHUTTING_DOWN("server shutting down"),
  /** No pong in time. */
  PING_TIMEOUT("ping timeout"),
  /** The connection was closed by the client or the network. */
  TRANSPORT_CLOSE("transport close"),
  /** The connection failed, a payload was too large, or the client read too slowly. */
  TRANSPORT_ERROR("transport error"),
  /** The client sent something invalid. */
  PARSE_ERROR("parse error"),
  /** The server closed the connection. */
  FORCED_CLOSE("forced close");

  private final String text;

  DisconnectReason(String text) {
    this.text = text;
  }

  /** The reason as Socket.IO words it. */
  public String text() {
    return text;
  }

  static DisconnectReason of(CloseReason reason) {
    return switch (reason) {
      case TRANSPORT_CLOSE -> TRANSPORT_CLOSE;
      case TRANSPORT_ERROR, MESSAGE_TOO_LARGE -> TRANSPORT_ERROR;
      case PING_TIMEOUT -> PING_TIMEOUT;
      case PARSE_ERROR -> PARSE_ERROR;
      case FORCED_CLOSE, POLICY_VIOLATION -> FORCED_CLOSE;
      case SERVER_SHUTTING_DOWN -> SERVER_SHUTTING_DOWN;
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
