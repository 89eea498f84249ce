package dev.notify.core.server;

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
  /** Defaults to {@value}: binary attachments one packet from a client may announce. */
  public static final int DEFAULT_MAX_ATTACHMENTS = 100;
  /** Defaults to {@value}: packets from one client waiting for its handlers. */
  public static final int DEFAULT_MAX_INBOUND_PACKETS = 1000;
  /** Defaults to 4 MiB: bytes of the packets from one client waiting for its handlers. */
  public static final long DEFAULT_MAX_INBOUND_BYTES = 4L << 20;

  private final EngineOptions engine;
  private final Duration connectTimeout;
  private final Duration maxDisconnectionDuration;
  private final boolean skipMiddlewaresOnRecovery;
  private final int maxAttachments;
  private final int maxInboundPackets;
  private final long maxInboundBytes;
  private final RateLimits rateLimits;

  ServerOptions(EngineOptions engine, Duration connectTimeout, Duration maxDisconnectionDuration,
      boolean skipMiddlewaresOnRecovery, int maxAttachments, int maxInboundPackets, long maxInboundBytes,
      RateLimits rateLimits) {
    this.engine = engine;
    this.connectTimeout = connectTimeout;
    this.maxDisconnectionDuration = maxDisconnectionDuration;
    this.skipMiddlewaresOnRecovery = skipMiddlewaresOnRecovery;
    this.maxAttachments = maxAttachments;
    this.maxInboundPackets = maxInboundPackets;
    this.maxInboundBytes = maxInboundBytes;
    this.rateLimits = rateLimits;
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

  /**
   * The most binary attachments one packet from a client may announce. The attachments of one packet together
   * are bounded by {@link EngineOptions#maxPayload()}.
   */
  public int maxAttachments() {
    return maxAttachments;
  }

  /** The most packets from one client that may wait for its handlers before the client is disconnected. */
  public int maxInboundPackets() {
    return maxInboundPackets;
  }

  /** The most bytes of packets from one client that may wait for its handlers before it is disconnected. */
  public long maxInboundBytes() {
    return maxInboundBytes;
  }

  /** The events each socket may send, or {@code null} when unlimited. */
  public RateLimits rateLimits() {
    return rateLimits;
  }

  @Override
  public String toString() {
    return "ServerOptions{engine=" + engine + ", connectTimeout=" + connectTimeout
        + ", maxAttachments=" + maxAttachments + ", maxInboundPackets=" + maxInboundPackets
        + ", maxInboundBytes=" + maxInboundBytes + ", rateLimits=" + (rateLimits == null ? "none" : rateLimits)
        + ", connectionStateRecovery=" + (maxDisconnectionDuration == null ? "off"
        : maxDisconnectionDuration + (skipMiddlewaresOnRecovery ? " (skips middlewares)" : "")) + '}';
  }
}
