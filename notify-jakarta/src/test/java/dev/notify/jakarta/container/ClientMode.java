package dev.notify.jakarta.container;

/** The transports a client is given. */
enum ClientMode {
  /** The clients' defaults: open with HTTP long-polling, then upgrade to WebSocket. */
  DEFAULT,
  /** {@code transports: ["polling"]}: long-polling only. */
  POLLING,
  /** {@code transports: ["websocket"]}: WebSocket from the start. */
  WEBSOCKET;

  /** The transports option of the Java client, or {@code null} for its defaults. */
  String[] javaTransports() {
    return switch (this) {
      case DEFAULT -> null;
      case POLLING -> new String[] {"polling"};
      case WEBSOCKET -> new String[] {"websocket"};
    };
  }

  /** The mode argument of the npm client scripts. */
  String scriptArgument() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
