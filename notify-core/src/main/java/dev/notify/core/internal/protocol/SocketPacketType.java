package dev.notify.core.internal.protocol;

/** The Socket.IO v5 packet types, with their wire digit. */
public enum SocketPacketType {
  CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

  private static final SocketPacketType[] BY_CODE = values();

  /** The digit that starts the packet on the wire. */
  public char code() {
    return (char) ('0' + ordinal());
  }

  /** Whether packets of this type carry binary attachments. */
  public boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }

  static SocketPacketType fromCode(char c) {
    int i = c - '0';
    if (i < 0 || i >= BY_CODE.length) {
      throw new ProtocolException("unknown Socket.IO packet type '" + c + "'");
    }
    return BY_CODE[i];
  }
}
