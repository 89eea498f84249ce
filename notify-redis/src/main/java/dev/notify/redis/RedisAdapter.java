package dev.notify.redis;

import dev.notify.core.adapter.Adapter;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Adapter} of a namespace in a cluster of nodes joined by Redis, wire-compatible with Node's
 * {@code @socket.io/redis-adapter} 8.x (classic and sharded) and {@code @socket.io/redis-emitter} 5.x: Java and
 * Node nodes, and emitters of either, can share one cluster.
 *
 * <pre>{@code
 * NotifyServer io = NotifyServer.builder()
 *     .adapter(RedisAdapter.factory("redis://redis.internal:6379"))
 *     .build();
 * io.to("user:42").emit("notification:new", n);   // reaches user 42 on whichever node holds the connection
 * }</pre>
 *
 * <p>Broadcasts are published once per emit (on the room's channel when they target exactly one room, as Node
 * does) and delivered by every node to its own matching sockets; a node never delivers its own publish twice, and
 * {@code local()} broadcasts are never published. What one node or emitter publishes is applied by every other node
 * in publish order (see {@link SubscriptionMode#DYNAMIC} for the one exception): {@code socketsJoin} then a
 * broadcast to the joined room works. Cluster requests ({@code fetchSockets}, {@code serverSideEmitWithAck},
 * {@link #allRooms()}, acks of broadcasts) expect one answer per other node, counting the subscribers Redis reports,
 * and fail with {@link RedisRequestTimeoutException} after {@link RedisAdapterOptions#requestsTimeout()}.
 *
 * <p>When Redis is unreachable each node keeps serving its own clients: broadcasts reach local sockets and their
 * publish is dropped and counted ({@link RedisAdapterFactory#droppedPublishes()}); cluster requests fail at once
 * with {@link RedisUnavailableException}; nothing blocks and nothing queues without bound. The outage is logged
 * once, the connections come back by themselves (capped exponential backoff with jitter), and cluster traffic
 * resumes.
 *
 * <p>Thread-safe. Futures complete on the server's handler executor. Messages from other nodes are decoded on the
 * subscriber thread and applied on the handler executor, one at a time per namespace, in order; a broadcast without
 * acks to at most 64 local sockets while nothing waits is applied on the subscriber thread.
 */
public interface RedisAdapter extends Adapter {

  /** A factory for {@code NotifyServer.builder().adapter(...)}, for one Redis server, classic mode. */
  static RedisAdapterFactory factory(String url) {
    return new RedisAdapterFactory(RedisAdapterOptions.builder().url(url).build());
  }

  /** A factory for {@code NotifyServer.builder().adapter(...)}. */
  static RedisAdapterFactory factory(RedisAdapterOptions options) {
    return new RedisAdapterFactory(options);
  }

  /** This node's id for this namespace, as the other nodes see it in messages. */
  String uid();

  RedisMode mode();

  /**
   * Completes once this node receives the broadcasts other nodes send to {@code room}: at once, except in
   * {@link SubscriptionMode#DYNAMIC} mode, where a node subscribes to a room's channel when the room gets its first
   * member here, and a broadcast sent before Redis confirmed that subscription misses the node. What awaiting
   * {@code socket.join(room)} gives in Node's sharded adapter:
   *
   * <pre>{@code
   * socket.join("game:7");
   * ((RedisAdapter) socket.namespace().adapter()).roomReady("game:7").thenRun(() -> ack.send("joined"));
   * }</pre>
   */
  default CompletableFuture<Void> roomReady(String room) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Every room of the namespace on every node, private socket-id rooms included (as Node's {@code allRooms}).
   * Fails with {@link RedisRequestTimeoutException} or {@link RedisUnavailableException}.
   */
  CompletableFuture<Set<String>> allRooms();
}
