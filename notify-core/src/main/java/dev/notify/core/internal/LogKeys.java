package dev.notify.core.internal;

/**
 * The keys of the key-value pairs notify's own log lines about a connection carry (SLF4J 2 fluent API), so that a
 * backend can index them: the same names in every module. Not API: shared by notify's own modules.
 */
public final class LogKeys {

  /** The Engine.IO session id. */
  public static final String SID = "sid";
  /** The namespace. */
  public static final String NSP = "nsp";
  /** The Socket.IO socket id. */
  public static final String SOCKET = "socket";
  /** The user id the application put in {@code socket.data()} under {@code "userId"}. */
  public static final String USER = "user";
  /** The transport: {@code polling} or {@code websocket}. */
  public static final String TRANSPORT = "transport";
  /** The client's address. */
  public static final String REMOTE = "remote";

  private LogKeys() {
  }
}
