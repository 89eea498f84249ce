package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * The SPI a namespace uses for every room membership and broadcast. The adapter alone knows which socket is in
 * which room. {@link InMemoryAdapter} serves one node; a cluster adapter (notify-redis) also forwards broadcasts
 * and requests to the other nodes and applies theirs to its local sockets.
 *
 * <p>Every socket is in the room named by its own id; adapters may keep that room implicit.
 *
 * <p>Implementations are thread-safe; methods do not block (remote work completes a future) and throw no checked
 * exceptions.
 */
public interface Adapter {

  /**
   * Prepares the adapter; the namespace accepts no socket before the future completes. A cluster adapter
   * subscribes here.
   */
  default CompletableFuture<Void> init() {
    return CompletableFuture.completedFuture(null);
  }

  /** Releases what the adapter holds; the namespace is gone. */
  default void close() {
  }

  // ---- local membership ----

  /** Adds a local socket to rooms. */
  void addAll(LocalSocket socket, Collection<String> rooms);

  /** Removes a local socket from a room. */
  void del(LocalSocket socket, String room);

  /** Removes a local socket from every room: it disconnected. */
  void delAll(LocalSocket socket);

  /** The rooms of a local socket, its own id room included. */
  Set<String> socketRooms(LocalSocket socket);

  /** The rooms that have at least one local socket, private id rooms left out. */
  Set<String> rooms();

  /** The ids of the local sockets in any of {@code rooms} (all when empty), minus those in {@code except}. */
  Set<String> sockets(BroadcastOptions opts);

  // ---- cluster-wide, unless the options say local ----

  /** Sends an event to every matching socket. */
  void broadcast(BroadcastPacket packet, BroadcastOptions opts);

  /**
   * Sends an event that asks each matching socket for an ack.
   *
   * @param clientCount called once per node with how many clients it sent the event to
   * @param ack called once per client ack
   */
  void broadcastWithAck(BroadcastPacket packet, BroadcastOptions opts, IntConsumer clientCount, AckListener ack);

  /** The matching sockets, local and remote. */
  CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts);

  /** Makes the matching sockets join rooms. */
  void addSockets(BroadcastOptions opts, Collection<String> rooms);

  /** Makes the matching sockets leave rooms. */
  void delSockets(BroadcastOptions opts, Collection<String> rooms);

  /** Disconnects the matching sockets; {@code close} also closes their connections. */
  void disconnectSockets(BroadcastOptions opts, boolean close);

  /**
   * Sends an event to the namespace's {@code serverSideEmit} handlers on the other nodes.
   *
   * @param args {@code [event, ...args]}
   * @param withAck whether to collect one answer per other node
   * @param timeout how long to wait for the answers; {@code null} for the adapter's own request timeout
   * @return the answers (empty without ack, or on a single node); fails on timeout
   */
  CompletableFuture<List<JsonNode>> serverSideEmit(Object[] args, boolean withAck, Duration timeout);

  /**
   * Whether this node can take silence from the cluster for "nobody there": false while the broker is unreachable,
   * and for a while after it is back, since the other nodes may not have resubscribed yet. A node alone is always
   * settled.
   */
  default boolean clusterSettled() {
    return true;
  }

  /**
   * Runs {@code listener} each time cluster traffic resumes after an outage (what was sent meanwhile did not reach
   * the other nodes). On any thread; the listener must not block.
   */
  default void onClusterResumed(Runnable listener) {
  }

  /** Removes a listener added with {@link #onClusterResumed}. */
  default void offClusterResumed(Runnable listener) {
  }

  /** How many nodes serve this namespace, this one included. */
  default CompletableFuture<Integer> serverCount() {
    return CompletableFuture.completedFuture(1);
  }
}
