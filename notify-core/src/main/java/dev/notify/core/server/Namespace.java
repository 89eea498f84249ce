package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.adapter.Adapter;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.EncodedPacket;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.Targets;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import dev.notify.core.metrics.NotifyMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO namespace such as {@code "/"} or {@code "/admin"}: its own connection middlewares and handlers,
 * its own rooms (held by its {@link Adapter}), its own broadcasts. Get one with {@link NotifyServer#of(String)}.
 *
 * <p>Thread-safe. Connection middlewares and handlers run on the handler executor.
 */
public final class Namespace implements Emitter {

  private static final Logger log = LoggerFactory.getLogger(Namespace.class);

  private final NotifyServer server;
  private final String name;
  private final DynamicNamespace parent;
  private final Map<String, ServerSocket> sockets = new ConcurrentHashMap<>();
  private final List<ConnectionMiddleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<String, String>> joinRoomListeners = new CopyOnWriteArrayList<>();
  private final List<BiConsumer<String, String>> leaveRoomListeners = new CopyOnWriteArrayList<>();
  private final Map<String, List<EventHandler>> serverSideHandlers = new ConcurrentHashMap<>();
  private final AtomicLong ackIds = new AtomicLong();
  private final Adapter adapter;
  private final CompletableFuture<Void> ready;
  private final BroadcastOperator all;
  /** With connection state recovery on, else {@code null}. */
  private final RecoverableEmits recoverable;

  Namespace(NotifyServer server, String name, DynamicNamespace parent) {
    this.server = server;
    this.name = name;
    this.parent = parent;
    this.recoverable = server.recovery() == null ? null
        : new RecoverableEmits(name, server.recovery(), server.executor(), server.scheduler());
    this.all = new BroadcastOperator(this);
    this.adapter = server.adapterFactory().create(new AdapterView());
    CompletableFuture<Void> init;
    try {
      init = adapter.init();
    } catch (RuntimeException e) {
      init = CompletableFuture.failedFuture(e);
    }
    this.ready = init.whenComplete((v, e) -> {
      if (e != null) {
        log.atError().addKeyValue(LogKeys.NSP, name).setCause(e)
            .log("adapter failed to start, connections are refused");
      }
    });
  }

  /** The name metrics know it by: its own for a static namespace, its parent's pattern for a dynamic one. */
  String metricsName() {
    return parent == null ? name : parent.metricsName();
  }

  /** The namespace name, such as {@code "/"} or {@code "/admin"}. */
  public String name() {
    return name;
  }

  /** The server this namespace belongs to. */
  public NotifyServer server() {
    return server;
  }

  /** The adapter holding this namespace's rooms. */
  public Adapter adapter() {
    return adapter;
  }

  /** Completes when the adapter is ready; connections wait for it. */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  /** Adds a connection middleware (Socket.IO's {@code nsp.use}); runs after those added before. */
  public Namespace use(ConnectionMiddleware middleware) {
    middlewares.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  /** Runs for each socket that connected, after the middlewares accepted it. */
  public Namespace onConnection(Consumer<Socket> handler) {
    connectionHandlers.add(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /** Removes a handler added with {@link #onConnection}; sockets already connected keep theirs. */
  public Namespace offConnection(Consumer<Socket> handler) {
    connectionHandlers.remove(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  /**
   * Runs with {@code (room, socketId)} each time a socket of this node joins a room, as the {@code join-room} event
   * of Socket.IO's adapter: on the joining thread, so it must not block. A socket's own id room is not reported.
   */
  public Namespace onJoinRoom(BiConsumer<String, String> listener) {
    joinRoomListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes a listener added with {@link #onJoinRoom}. */
  public Namespace offJoinRoom(BiConsumer<String, String> listener) {
    joinRoomListeners.remove(listener);
    return this;
  }

  /** As {@link #onJoinRoom}, when a socket of this node leaves a room, or disconnects ({@code leave-room}). */
  public Namespace onLeaveRoom(BiConsumer<String, String> listener) {
    leaveRoomListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes a listener added with {@link #onLeaveRoom}. */
  public Namespace offLeaveRoom(BiConsumer<String, String> listener) {
    leaveRoomListeners.remove(listener);
    return this;
  }

  private void notifyRoom(List<BiConsumer<String, String>> listeners, String room, String socketId) {
    for (BiConsumer<String, String> listener : listeners) {
      try {
        listener.accept(room, socketId);
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue(LogKeys.NSP, name).setCause(e).log("a room listener threw");
      }
    }
  }

  /** Handles {@code serverSideEmit} events from the other nodes of the cluster. */
  public Namespace onServerSideEmit(String event, EventHandler handler) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(handler, "handler");
    serverSideHandlers.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(handler);
    return this;
  }

  /** Removes a handler added with {@link #onServerSideEmit}. */
  public Namespace offServerSideEmit(String event, EventHandler handler) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(handler, "handler");
    List<EventHandler> handlers = serverSideHandlers.get(event);
    if (handlers != null) {
      handlers.remove(handler);
    }
    return this;
  }

  /** The sockets connected to this namespace on this node, by id. A read-only live view. */
  public Map<String, Socket> sockets() {
    return Collections.unmodifiableMap(sockets);
  }

  // ---- Emitter ----

  @Override
  public Namespace of(String namespace) {
    return server.of(namespace);
  }

  @Override
  public BroadcastOperator to(String... rooms) {
    return all.to(rooms);
  }

  @Override
  public BroadcastOperator in(String... rooms) {
    return all.to(rooms);
  }

  @Override
  public BroadcastOperator except(String... rooms) {
    return all.except(rooms);
  }

  @Override
  public BroadcastOperator asVolatile() {
    return all.asVolatile();
  }

  @Override
  public BroadcastOperator compress(boolean compress) {
    return all.compress(compress);
  }

  /** Stays on this node, even in a cluster. */
  public BroadcastOperator local() {
    return all.local();
  }

  /** Broadcasts with an ack timeout. */
  public BroadcastOperator timeout(Duration timeout) {
    return all.timeout(timeout);
  }

  @Override
  public void emit(String event, Object... args) {
    all.emit(event, args);
  }

  /** See {@link BroadcastOperator#emitWithAck}. */
  public CompletableFuture<List<Args>> emitWithAck(String event, Object... args) {
    return all.emitWithAck(event, args);
  }

  /** Every socket of the namespace, on every node. */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return all.fetchSockets();
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

  @Override
  public void serverSideEmit(String event, Object... args) {
    adapter.serverSideEmit(serverSidePayload(event, args), false, null);
  }

  /**
   * Sends an event to the other nodes' {@code serverSideEmit} handlers and collects one answer per node.
   * On a single node it completes at once with no answers.
   */
  public CompletableFuture<List<Args>> serverSideEmitWithAck(String event, Object... args) {
    return serverSideEmitWithAck(null, event, args);
  }

  /**
   * As {@link #serverSideEmitWithAck(String, Object...)}, failing when the answers take longer than
   * {@code timeout} instead of the adapter's request timeout; {@code null} for the latter.
   */
  public CompletableFuture<List<Args>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
    }
    return adapter.serverSideEmit(serverSidePayload(event, args), true, timeout).thenApply(answers -> {
      List<Args> result = new ArrayList<>(answers.size());
      for (JsonNode answer : answers) {
        result.add(Args.of(answer, 0, server.mapper()));
      }
      return result;
    });
  }

  private static Object[] serverSidePayload(String event, Object[] args) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    Object[] payload = new Object[args.length + 1];
    payload[0] = event;
    System.arraycopy(args, 0, payload, 1, args.length);
    return payload;
  }

  // ---- internals ----

  List<ConnectionMiddleware> middlewares() {
    if (parent == null) {
      return middlewares;
    }
    List<ConnectionMiddleware> all = new ArrayList<>(parent.middlewares());
    all.addAll(middlewares);
    return all;
  }

  void fireConnection(ServerSocket socket) {
    List<Consumer<Socket>> handlers = new ArrayList<>();
    if (parent != null) {
      handlers.addAll(parent.connectionHandlers());
    }
    handlers.addAll(connectionHandlers);
    LogContext context = socket.logContext();
    context.run(() -> {
      for (Consumer<Socket> handler : handlers) {
        try {
          handler.accept(socket);
        } catch (RuntimeException e) {
          context.about(log.atWarn()).setCause(e).log("connection handler threw");
        }
      }
    });
  }

  void add(ServerSocket socket) {
    sockets.put(socket.id(), socket);
  }

  void remove(ServerSocket socket) {
    sockets.remove(socket.id(), socket);
  }

  /** Where recoverable events go out with their offsets, in order; {@code null} when recovery is off. */
  RecoverableEmits recoverable() {
    return recoverable;
  }

  long nextAckId() {
    return ackIds.getAndIncrement();
  }

  SocketPacketEncoder encoder() {
    return server.encoder();
  }

  ObjectMapper mapper() {
    return server.mapper();
  }

  private void onServerSideEmit(JsonNode payload, Consumer<Object> reply) {
    if (!payload.isArray() || payload.isEmpty() || !payload.get(0).isTextual()) {
      log.atWarn().addKeyValue(LogKeys.NSP, name).log("ignored malformed serverSideEmit payload");
      return;
    }
    String event = payload.get(0).textValue();
    Args args = Args.of(payload, 1, server.mapper());
    Ack ack = reply == null ? Ack.NONE : new Ack() {
      private final java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();

      @Override
      public void send(Object... answer) {
        if (sent.compareAndSet(false, true)) {
          reply.accept(answer.length == 1 ? answer[0] : answer);
        }
      }
    };
    for (EventHandler handler : serverSideHandlers.getOrDefault(event, List.of())) {
      server.executor().execute(() -> {
        try {
          handler.handle(args, ack);
        } catch (Exception e) {
          log.atWarn().addKeyValue(LogKeys.NSP, name).setCause(e).log("serverSideEmit handler of '{}' threw", event);
        }
      });
    }
  }

  @Override
  public String toString() {
    return "Namespace{" + name + '}';
  }

  /** A broadcast encoded by this namespace's {@link AdapterView#encode}: the frames every target writes. */
  record Encoded(Namespace namespace, List<Frame> frames) implements EncodedPacket {
  }

  /** What the adapter sees of this namespace. */
  private final class AdapterView implements AdapterNamespace {
    @Override
    public String name() {
      return name;
    }

    @Override
    public String metricsName() {
      return Namespace.this.metricsName();
    }

    @Override
    public void roomJoined(String room, String socketId) {
      notifyRoom(joinRoomListeners, room, socketId);
    }

    @Override
    public void roomLeft(String room, String socketId) {
      notifyRoom(leaveRoomListeners, room, socketId);
    }

    @Override
    public LocalSocket socket(String id) {
      return sockets.get(id);
    }

    @Override
    public Collection<? extends LocalSocket> sockets() {
      return sockets.values();
    }

    @Override
    public EncodedPacket encode(BroadcastPacket packet) {
      return encode(packet, SocketPacket.NO_ACK);
    }

    @Override
    public EncodedPacket encode(BroadcastPacket packet, long ackId) {
      return new Encoded(Namespace.this, server.encoder().encodeEvent(name, ackId, packet.event(), packet.args()));
    }

    @Override
    public ObjectMapper mapper() {
      return server.mapper();
    }

    @Override
    public NotifyMetrics metrics() {
      return server.metrics();
    }

    @Override
    public long nextAckId() {
      return Namespace.this.nextAckId();
    }

    @Override
    public Executor executor() {
      return server.executor();
    }

    @Override
    public ScheduledExecutorService scheduler() {
      return server.scheduler();
    }

    @Override
    public void onServerSideEmit(JsonNode args, Consumer<Object> reply) {
      Namespace.this.onServerSideEmit(args, reply);
    }
  }
}
