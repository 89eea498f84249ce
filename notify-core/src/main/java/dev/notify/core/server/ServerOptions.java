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

  /** Defaults to 2 min: how long a disconnected client may take to come back with its state, when recovery is on. */
  public static final Duration DEFAULT_MAX_DISCONNECTION_DURATION = Duration.ofMinutes(2);

  private final EngineOptions engine;
  private final Duration connectTimeout;
  private final Duration maxDisconnectionDuration;
  private final boolean skipMiddlewaresOnRecovery;

  ServerOptions(EngineOptions engine, Duration connectTimeout, Duration maxDisconnectionDuration,
      boolean skipMiddlewaresOnRecovery) {
    this.engine = engine;
    this.connectTimeout = connectTimeout;
    this.maxDisconnectionDuration = maxDisconnectionDuration;
    this.skipMiddlewaresOnRecovery = skipMiddlewaresOnRecovery;
  }

  /** The Engine.IO options: path, heartbeat, payload limit, buffering, origins. */
  public EngineOptions engine() {
    return engine;
  }

  /** How long a new connection may take to join a namespace before it is closed. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Whether connection state recovery is on. */
  public boolean connectionStateRecovery() {
    return maxDisconnectionDuration != null;
  }

  /** How long a disconnected client may take to come back with its state; {@code null} when recovery is off. */
  public Duration maxDisconnectionDuration() {
    return maxDisconnectionDuration;
  }

  /** Whether a recovered connection skips the connection middlewares (they accepted it before). */
  public boolean skipMiddlewaresOnRecovery() {
    return skipMiddlewaresOnRecovery;
  }

  @Override
  public String toString() {
    return "ServerOptions{engine=" + engine + ", connectTimeout=" + connectTimeout
        + ", connectionStateRecovery=" + (maxDisconnectionDuration == null ? "off"
        : maxDisconnectionDuration + (skipMiddlewaresOnRecovery ? " (skips middlewares)" : "")) + '}';
  }
}
