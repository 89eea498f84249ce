package dev.notify.core.internal.protocol;

/** The Engine.IO v4 packet types, with their wire digit. */
public enum EnginePacketType {
  OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

  private static final EnginePacketType[] BY_CODE = values();

  /** The digit that starts the packet on the wire. */
  public char code() {
    return (char) ('0' + ordinal());
  }

  static EnginePacketType fromCode(char c) {
    int i = c - '0';
    if (i < 0 || i >= BY_CODE.length) {
      throw new ProtocolException("unknown Engine.IO packet type '" + c + "'");
    }
    return BY_CODE[i];
  }
}
