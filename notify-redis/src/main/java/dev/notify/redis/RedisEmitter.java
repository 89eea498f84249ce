package dev.notify.redis;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.core.internal.Targets;
import dev.notify.core.internal.Trees;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.EmitterOperator;
import dev.notify.redis.internal.Channels;
import dev.notify.redis.internal.ClassicCodec;
import dev.notify.redis.internal.RedisResources;
import dev.notify.redis.internal.ShardedCodec;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaches the clients of a notify or Node.js Socket.IO cluster from a service that holds no connections, through
 * Redis, in the wire format of Node's {@code @socket.io/redis-emitter} 5.x (classic) or the cluster-adapter schema
 * (sharded), with the uid {@code "emitter"}.
 *
 * <pre>{@code
 * RedisEmitter emitter = RedisEmitter.create("redis://redis.internal:6379");   // one per application
 * emitter.to("user:42").emit("notification:new", notification);              // any thread
 * emitter.of("/admin").in("room:ops").except("user:1").emit("alert", alert);
 * emitter.in("user:42").socketsJoin("room:project-7");
 * emitter.serverSideEmit("cache:evict", "users");
 * ...
 * emitter.close();                                                           // at shutdown
 * }</pre>
 *
 * <p>Share one instance: it is thread-safe, and every {@code of}, {@code to}, {@code except}... returns a new
 * immutable operator over the same pooled connection. An emit encodes its event once and hands it to a publisher
 * thread, which sends it (batched with others when busy) in one Redis round trip; no connection is opened per emit.
 * An emit never blocks: while Redis is unreachable, or when {@link RedisEmitterOptions#publishQueueCapacity()}
 * messages already wait, it is dropped and counted ({@link #droppedPublishes()}), and the emitter reconnects by
 * itself. Acknowledgements are not supported (as in Node's emitter). {@link #close()} closes the connections for
 * every operator and namespace derived from this emitter.
 */
public final class RedisEmitter implements Emitter, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisEmitter.class);
  /** The uid every emitter publishes with; nodes never skip it as their own. */
  public static final String UID = "emitter";

  private final Shared shared;
  private final String nsp;
  private final Operator all;

  private RedisEmitter(Shared shared, String nsp) {
    this.shared = shared;
    this.nsp = nsp;
    this.all = new Operator(this, Set.of(), Set.of(), false, false);
  }

  /** An emitter for one Redis server, classic mode, main namespace. */
  public static RedisEmitter create(String url) {
    return create(RedisEmitterOptions.builder().url(url).build());
  }

  /** An emitter with these options, main namespace. */
  public static RedisEmitter create(RedisEmitterOptions options) {
    Objects.requireNonNull(options, "options");
    RedisResources resources = new RedisResources(options.connection(), options.publishQueueCapacity(),
        options.reconnectMinDelay(), options.reconnectMaxDelay(), RedisAdapterOptions.DEFAULT_HEALTH_CHECK_INTERVAL,
        false, "emitter");
    resources.addMember("emitter");
    log.info("Redis emitter ready: {}", options);
    return new RedisEmitter(new Shared(options, resources), "/");
  }

  public RedisEmitterOptions options() {
    return shared.options;
  }

  /** The namespace this emitter targets. */
  public String namespace() {
    return nsp;
  }

  /**
   * The emitter of another namespace, sharing this one's connections.
   *
   * @throws IllegalArgumentException when the name does not start with {@code /}
   */
  @Override
  public RedisEmitter of(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (!namespace.startsWith("/")) {
      throw new IllegalArgumentException("namespace must start with '/', was " + namespace);
    }
    return new RedisEmitter(shared, namespace);
  }

  @Override
  public EmitterOperator to(String... rooms) {
    return all.to(rooms);
  }

  @Override
  public EmitterOperator in(String... rooms) {
    return all.to(rooms);
  }

  @Override
  public EmitterOperator except(String... rooms) {
    return all.except(rooms);
  }

  @Override
  public EmitterOperator asVolatile() {
    return all.asVolatile();
  }

  @Override
  public EmitterOperator compress(boolean compress) {
    return all.compress(compress);
  }

  @Override
  public void emit(String event, Object... args) {
    all.emit(event, args);
  }

  @Override
  public void socketsJoin(String... rooms) {
    all.socketsJoin(rooms);
  }

  @Override
  public void socketsLeave(String... rooms) {
    all.socketsLeave(rooms);
  }

  @Override
  public void disconnectSockets(boolean close) {
    all.disconnectSockets(close);
  }

  /** Sends an event to the {@code serverSideEmit} handlers of this namespace on every node (no acks). */
  @Override
  public void serverSideEmit(String event, Object... args) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    ArrayNode data = Trees.eventData(shared.options.objectMapper(), event, args);
    publish(new ClusterMessage.ServerSideEmit(UID, null, data));
  }

  /** Messages not published: Redis unreachable, queue full, or lost in a failed send. */
  public long droppedPublishes() {
    return shared.resources.publisher().dropped();
  }

  /** Whether Redis is reachable, as far as this emitter knows. */
  public boolean redisAvailable() {
    return shared.resources.publisher().available();
  }

  /** Closes the connections of this emitter and of every operator and namespace derived from it. Idempotent. */
  @Override
  public void close() {
    synchronized (shared) {
      if (!shared.closed) {
        shared.closed = true;
        shared.resources.close();
        log.info("Redis emitter closed");
      }
    }
  }

  @Override
  public String toString() {
    return "RedisEmitter{nsp=" + nsp + ", " + shared.options + '}';
  }

  // ---- publishing ----

  private void publish(ClusterMessage message) {
    RedisEmitterOptions o = shared.options;
    boolean sharded = o.mode() == RedisMode.SHARDED;
    byte[] payload = sharded ? shared.sharded(nsp).encode(message)
        : message instanceof ClusterMessage.Broadcast b ? shared.classic(nsp).encodeBroadcast(UID, b.data(), b.opts())
        : shared.classic(nsp).encodeRequest(message);
    byte[] channel = sharded
        ? Channels.shardedTarget(o.key(), nsp, o.subscriptionMode() == SubscriptionMode.DYNAMIC, message)
        : Channels.classicTarget(o.key(), nsp, message);
    shared.resources.publisher().publish(channel, payload, sharded);
  }

  /** What every emitter derived from one {@link #create} shares. */
  private static final class Shared {
    final RedisEmitterOptions options;
    final RedisResources resources;
    boolean closed;

    Shared(RedisEmitterOptions options, RedisResources resources) {
      this.options = options;
      this.resources = resources;
    }

    ClassicCodec classic(String nsp) {
      return new ClassicCodec(nsp);
    }

    ShardedCodec sharded(String nsp) {
      return new ShardedCodec(nsp);
    }
  }

  /** An aimed broadcast; immutable, thread-safe. */
  private static final class Operator implements EmitterOperator {
    private final RedisEmitter emitter;
    private final Set<String> rooms;
    private final Set<String> except;
    private final boolean volatileFlag;
    private final boolean compress;

    Operator(RedisEmitter emitter, Set<String> rooms, Set<String> except, boolean volatileFlag, boolean compress) {
      this.emitter = emitter;
      this.rooms = rooms;
      this.except = except;
      this.volatileFlag = volatileFlag;
      this.compress = compress;
    }

    @Override
    public EmitterOperator to(String... more) {
      return new Operator(emitter, Targets.union(rooms, more), except, volatileFlag, compress);
    }

    @Override
    public EmitterOperator in(String... more) {
      return to(more);
    }

    @Override
    public EmitterOperator except(String... more) {
      return new Operator(emitter, rooms, Targets.union(except, more), volatileFlag, compress);
    }

    @Override
    public EmitterOperator asVolatile() {
      return new Operator(emitter, rooms, except, true, compress);
    }

    @Override
    public EmitterOperator compress(boolean compress) {
      return new Operator(emitter, rooms, except, volatileFlag, compress);
    }

    @Override
    public void emit(String event, Object... args) {
      Targets.checkEvent(event);
      Objects.requireNonNull(args, "args");
      ArrayNode data = Trees.eventData(emitter.shared.options.objectMapper(), event, args);
      emitter.publish(new ClusterMessage.Broadcast(UID, data, options(), null));
    }

    @Override
    public void socketsJoin(String... names) {
      emitter.publish(new ClusterMessage.SocketsJoin(uidForRequests(), options(), Targets.rooms(names)));
    }

    @Override
    public void socketsLeave(String... names) {
      emitter.publish(new ClusterMessage.SocketsLeave(uidForRequests(), options(), Targets.rooms(names)));
    }

    @Override
    public void disconnectSockets(boolean close) {
      emitter.publish(new ClusterMessage.DisconnectSockets(uidForRequests(), options(), close));
    }

    /** Node's classic emitter sends these requests without uid; the sharded schema always has one. */
    private String uidForRequests() {
      return emitter.shared.options.mode() == RedisMode.SHARDED ? UID : null;
    }

    private BroadcastOptions options() {
      return new BroadcastOptions(rooms, except, volatileFlag, compress, false, null);
    }

    @Override
    public String toString() {
      return "RedisEmitter.Operator{nsp=" + emitter.nsp + ", rooms=" + rooms + ", except=" + except
          + (volatileFlag ? ", volatile" : "") + (compress ? ", compress" : "") + '}';
    }
  }
}
