package dev.notify.core.server;

import dev.notify.core.engine.EngineOptions;
import java.time.Duration;

/**
 * The settings of a {@link NotifyServer}: its Engine.IO options and the Socket.IO connect timeout. Immutable;
 * read them with {@link NotifyServer#options()}.
 */
public final class ServerOptions {

  /** Defaults to {@value}: the Socket.IO path. */
  public static final String DEFAULT_PATH = "/socket.io/";
  /** Defaults to 45 s: how long a new connection may take to join a namespace. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(45);

  private final EngineOptions engine;
  private final Duration connectTimeout;

  ServerOptions(EngineOptions engine, Duration connectTimeout) {
    this.engine = engine;
    this.connectTimeout = connectTimeout;
  }

  /** The Engine.IO options: path, heartbeat, payload limit, buffering, origins. */
  public EngineOptions engine() {
    return engine;
  }

  /** How long a new connection may take to join a namespace before it is closed. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  @Override
  public String toString() {
    return "ServerOptions{engine=" + engine + ", connectTimeout=" + connectTimeout + '}';
  }
}
