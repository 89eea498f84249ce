package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.metrics.NotifyMetrics;
import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What an {@link Adapter} sees of its namespace. Implemented by the server; thread-safe. */
public interface AdapterNamespace {

  /** The namespace name, such as {@code "/"} or {@code "/admin"}. */
  String name();

  /** The socket with that id if it is connected to this node, else {@code null}. */
  LocalSocket socket(String id);

  /** The sockets connected to this node; a live, weakly consistent view. */
  Collection<? extends LocalSocket> sockets();

  /** Encodes {@code packet} once for this namespace's clients, without ack id: deliver it to every target. */
  EncodedPacket encode(BroadcastPacket packet);

  /**
   * Encodes {@code packet} once for this namespace's clients, asking each for an ack with id {@code ackId} (from
   * {@link #nextAckId}): deliver it to every target with {@link LocalSocket#deliverWithAck}.
   */
  EncodedPacket encode(BroadcastPacket packet, long ackId);

  /** The server's JSON mapper. */
  ObjectMapper mapper();

  /** A new ack id, unique in this namespace, so a broadcast can ask every target for an ack with one encoding. */
  long nextAckId();

  /** The name this namespace's metrics carry: its own, or its parent's for a dynamic namespace. */
  default String metricsName() {
    return name();
  }

  /** Where the adapter reports what it does (broadcast fan-out, cluster messages); records nothing by default. */
  default NotifyMetrics metrics() {
    return NotifyMetrics.NONE;
  }

  /** A socket of this node joined {@code room}; called outside the adapter's lock, on the joining thread. */
  default void roomJoined(String room, String socketId) {
  }

  /** A socket of this node left {@code room} (or disconnected); called outside the adapter's lock. */
  default void roomLeft(String room, String socketId) {
  }

  /** Runs handlers and completes futures; never a transport or subscriber thread. */
  Executor executor();

  /** Runs timeouts. */
  ScheduledExecutorService scheduler();

  /**
   * Another node sent {@code serverSideEmit}: run this namespace's handlers.
   *
   * @param args the JSON array {@code [event, ...args]}
   * @param reply receives this node's answer when the sender asked for one, else {@code null}
   */
  void onServerSideEmit(JsonNode args, Consumer<Object> reply);
}
