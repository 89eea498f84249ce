package dev.notify.core.metrics;

import java.util.Objects;

/**
 * What a server, its cluster adapter and its notification service report as they work, for a metrics backend to
 * count: notify-micrometer binds it to a Micrometer registry. Every method does nothing by default, so an
 * implementation overrides what it records; {@link #NONE} records nothing and is the default.
 *
 * <p>Every argument that names something comes from a bounded set (transports, close and disconnect reasons,
 * request errors, message types, static namespace names, or the pattern of a dynamic namespace): never a socket id,
 * a room or an event name, so that tags stay few.
 *
 * <p>Thread safety: called concurrently from transport, handler and scheduler threads, often on hot paths (once per
 * packet and per target of a broadcast). Implementations must be thread-safe, must not block, and must not throw:
 * what they throw is not caught.
 */
public interface NotifyMetrics {

  /**
   * Reports to each of {@code recorders}, in order (such as Micrometer and a recorder of your own); more can be
   * added later with {@link MetricsFanOut#add}.
   */
  static MetricsFanOut of(NotifyMetrics... recorders) {
    for (NotifyMetrics m : Objects.requireNonNull(recorders, "recorders")) {
      Objects.requireNonNull(m, "a recorder is null");
    }
    return new MetricsFanOut(recorders);
  }

  /** Records nothing. */
  NotifyMetrics NONE = new NotifyMetrics() {
  };

  // ---- connections (Engine.IO) ----

  /** A client opened a connection over {@code transport} ({@code polling} or {@code websocket}). */
  default void connectionOpened(String transport) {
  }

  /** A connection closed, for {@code reason} (an Engine.IO close reason, such as {@code transport close}). */
  default void connectionClosed(String reason) {
  }

  /**
   * An HTTP or WebSocket request was refused before reaching a session: {@code error} is the Engine.IO error
   * ({@code unknown_transport}, {@code unknown_sid}, {@code bad_handshake_method}, {@code bad_request},
   * {@code forbidden}, {@code unsupported_protocol_version}), {@code busy} (a connection limit, answered 503) or
   * {@code draining} (a handshake while the server drains, answered 503).
   */
  default void requestRefused(String error) {
  }

  /** A packet of {@code length} (bytes, or characters of a text packet) arrived from a client. */
  default void packetReceived(int length) {
  }

  /** {@code count} packets of {@code length} in total were handed to a client's transport. */
  default void packetsSent(int count, long length) {
  }

  /**
   * The outbound data waiting for slow clients changed by {@code delta} (bytes, or characters of text packets):
   * positive when packets are buffered, negative when the transport takes them or the connection closes.
   */
  default void outboundBuffered(long delta) {
  }

  /** Outbound packets were dropped: {@code cause} is {@code volatile} (the transport was busy). */
  default void outboundDropped(String cause, int count) {
  }

  // ---- sockets and events (Socket.IO) ----

  /** A socket connected to {@code namespace}. */
  default void socketConnected(String namespace) {
  }

  /** A socket of {@code namespace} disconnected for {@code reason} (a Socket.IO disconnect reason). */
  default void socketDisconnected(String namespace, String reason) {
  }

  /**
   * An event from a client starts its handlers, {@code waitNanos} after its packet arrived: the time it waited for
   * a handler thread, the JVM's "event loop lag".
   */
  default void eventReceived(String namespace, long waitNanos) {
  }

  /** The handlers of an event from a client returned, after {@code durationNanos}. */
  default void eventHandled(String namespace, long durationNanos) {
  }

  /** An event was handed to one socket's connection. */
  default void eventSent(String namespace) {
  }

  /**
   * {@code count} events were handed to sockets' connections at once: the targets of one broadcast on this node.
   * Calls {@link #eventSent} {@code count} times by default; a recorder with counters adds {@code count} once.
   */
  default void eventsSent(String namespace, int count) {
    for (int i = 0; i < count; i++) {
      eventSent(namespace);
    }
  }

  /** The adapter delivered a broadcast to {@code fanOut} sockets of this node. */
  default void broadcast(int fanOut) {
  }

  /** A client acknowledged an event of this server, {@code roundTripNanos} after it was sent. */
  default void ackReceived(String namespace, long roundTripNanos) {
  }

  /** An event's acknowledgement did not come within its timeout. */
  default void ackTimedOut(String namespace) {
  }

  // ---- cluster ----

  /** A message of {@code type} (such as {@code BROADCAST}) was published to the other nodes. */
  default void clusterMessageSent(String type) {
  }

  /** A message of {@code type} arrived from another node. */
  default void clusterMessageReceived(String type) {
  }

  /** A request of {@code type} to the other nodes timed out before every node answered. */
  default void clusterRequestTimedOut(String type) {
  }

  /** A message was sent to the broker {@code latencyNanos} after it was handed to the adapter's publisher. */
  default void clusterPublished(long latencyNanos) {
  }

  /** The broker became unreachable ({@code true}) or reachable again ({@code false}). */
  default void clusterOutage(boolean outage) {
  }

  /** A request to the other nodes learnt how many nodes serve the namespace, this one included. */
  default void clusterServers(int count) {
  }

  // ---- notifications ----

  /** A notification reached its first device, {@code latencyNanos} after it was sent. */
  default void notificationDelivered(long latencyNanos) {
  }

  /** A delivery attempt will be tried again. */
  default void notificationRetried() {
  }

  /** A notification went to the fallback channel, for {@code reason} ({@code offline} or {@code not_acknowledged}). */
  default void notificationFallback(String reason) {
  }

  /** A connecting device was sent a catch-up batch of {@code size} notifications. */
  default void catchUpBatch(int size) {
  }

  /** The delivery queue holds {@code depth} jobs (waiting, claimed or delayed); told every poll. */
  default void notificationQueueDepth(long depth) {
  }
}
