package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.EncodedPacket;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.Targets;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketType;
import dev.notify.core.metrics.NotifyMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's socket: the user-facing {@link Socket} and the adapter-facing {@link LocalSocket}. */
final class ServerSocket implements Socket, LocalSocket {

  private static final Logger log = LoggerFactory.getLogger(ServerSocket.class);

  private final String id;
  private final Namespace namespace;
  private final Client client;
  private final Handshake handshake;
  private final String pid;
  private final boolean recovered;
  private final AtomicBoolean connected = new AtomicBoolean();
  /** The socket's rate limits, or {@code null} when the server has none. */
  private final EventLimiter limiter;
  private volatile Map<String, Object> data;
  private final LogContext context;
  private final SocketHandlers handlers;
  /** Copy on write; the shared empty list until a listener is added: one reference per socket. */
  private volatile List<BiConsumer<String, Object[]>> outgoing = List.of();
  private final PendingAcks acks = new PendingAcks();
  private final HeldDeliveries held = new HeldDeliveries();
  /** Guards the lazy creation of {@link #data} and the copy-on-write of {@link #outgoing}; never held by user code. */
  private final Object lock = new Object();
  /**
   * @param pid the private session id of connection state recovery, or {@code null} when it is off
   * @param recovered whether this socket takes back a disconnected session
   */
  ServerSocket(String id, Namespace namespace, Client client, Handshake handshake, String pid, boolean recovered) {
    this.id = id;
    this.namespace = namespace;
    this.client = client;
    this.handshake = handshake;
    this.pid = pid;
    this.recovered = recovered;
    this.context = new LogContext(client.session().id(), namespace.name(), id, () -> data);
    this.handlers = new SocketHandlers(context);
    RateLimits limits = namespace.server().options().rateLimits();
    this.limiter = limits == null ? null : new EventLimiter(limits, System.nanoTime());
  }

  /** The private session id of connection state recovery, or {@code null}. */
  String pid() {
    return pid;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Namespace namespace() {
    return namespace;
  }

  @Override
  public Handshake handshake() {
    return handshake;
  }

  Client client() {
    return client;
  }

  /** Who this socket's log lines are about; the MDC of the application's code for it. */
  LogContext logContext() {
    return context;
  }

  @Override
  public Map<String, Object> data() {
    Map<String, Object> d = data;
    if (d == null) {
      synchronized (lock) {
        d = data;
        if (d == null) {
          d = new ConcurrentHashMap<>(4);
          data = d;
        }
      }
    }
    return d;
  }

  @Override
  public boolean connected() {
    return connected.get();
  }

  @Override
  public boolean recovered() {
    return recovered;
  }

  @Override
  public Set<String> rooms() {
    return namespace.adapter().socketRooms(this);
  }

  @Override
  public void join(String... rooms) {
    join(Arrays.asList(rooms));
  }

  @Override
  public void join(Collection<String> rooms) {
    Targets.checkRooms(rooms);
    if (connected()) {
      namespace.adapter().addAll(this, rooms);
    }
  }

  @Override
  public void leave(String room) {
    Objects.requireNonNull(room, "room");
    namespace.adapter().del(this, room);
  }

  // ---- emit ----

  @Override
  public void emit(String event, Object... args) {
    emit(event, args, false);
  }

  void emit(String event, Object[] args, boolean volatileFlag) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    notifyOutgoing(event, args);
    RecoverableEmits recoverable = namespace.recoverable();
    if (recoverable != null && !volatileFlag) {
      // kept for this socket's private room, so a recovered session gets it again
      recoverable.emit(new BroadcastOptions(Set.of(id), Set.of(), false, false, true, null), event, args.clone(),
          withOffset -> deliver(namespace.encoder().encodeEvent(namespace.name(), SocketPacket.NO_ACK, event,
              withOffset), false));
    } else {
      deliver(namespace.encoder().encodeEvent(namespace.name(), SocketPacket.NO_ACK, event, args), volatileFlag);
    }
  }

  @Override
  public CompletableFuture<Args> emitWithAck(String event, Object... args) {
    return emitWithAck(event, args, null, false);
  }

  CompletableFuture<Args> emitWithAck(String event, Object[] args, Duration timeout, boolean volatileFlag) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    notifyOutgoing(event, args);
    long ackId = namespace.nextAckId();
    List<Frame> frames = namespace.encoder().encodeEvent(namespace.name(), ackId, event, args);
    CompletableFuture<Args> result = new CompletableFuture<>();
    AckListener listener = new AckListener() {
      @Override
      public void onAck(JsonNode ackArgs) {
        result.complete(Args.of(ackArgs, 0, namespace.mapper()));
      }

      @Override
      public void onDisconnect(String socketId) {
        result.completeExceptionally(new AckException("socket " + id + " disconnected before acknowledging '"
            + event + "'"));
      }
    };
    if (!connected() || !acks.add(ackId, listener)) {
      result.completeExceptionally(new AckException("socket " + id + " is disconnected"));
      return result;
    }
    if (timeout != null) {
      ScheduledFuture<?> timer = namespace.server().scheduler().schedule(() -> {
        if (acks.remove(ackId) != null) {
          namespace.server().metrics().ackTimedOut(namespace.metricsName());
          runApplicationCode(() -> result.completeExceptionally(AckTimeoutException.forSocket(id, event, timeout)));
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      result.whenComplete((r, e) -> timer.cancel(false));
    }
    namespace.server().metrics().eventSent(namespace.metricsName());
    if (!client.send(frames, volatileFlag) && acks.remove(ackId) != null) {
      result.completeExceptionally(new AckException("'" + event + "' was not sent to socket " + id
          + (volatileFlag ? ": volatile and the transport was busy" : ": connection closed")));
    }
    return result;
  }

  @Override
  public SocketEmitter timeout(Duration timeout) {
    return new SocketEmitter(this, BroadcastOperator.checkTimeout(timeout), false);
  }

  @Override
  public SocketEmitter asVolatile() {
    return new SocketEmitter(this, null, true);
  }

  @Override
  public BroadcastOperator to(String... rooms) {
    return broadcast().to(rooms);
  }

  @Override
  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  @Override
  public BroadcastOperator except(String... rooms) {
    return broadcast().except(rooms);
  }

  @Override
  public BroadcastOperator broadcast() {
    return namespace.except(id);
  }

  // ---- handlers ----

  @Override
  public Socket on(String event, EventHandler handler) {
    handlers.on(event, handler);
    return this;
  }

  @Override
  public Socket off(String event) {
    handlers.off(event, null);
    return this;
  }

  @Override
  public Socket off(String event, EventHandler handler) {
    handlers.off(event, handler);
    return this;
  }

  @Override
  public Socket onAny(AnyEventHandler handler) {
    handlers.onAny(handler);
    return this;
  }

  @Override
  public Socket offAny(AnyEventHandler handler) {
    handlers.offAny(handler);
    return this;
  }

  @Override
  public String clientId() {
    return client.session().id();
  }

  @Override
  public String transport() {
    return client.session().transportName();
  }

  @Override
  public Socket onAnyOutgoing(BiConsumer<String, Object[]> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      List<BiConsumer<String, Object[]>> grown = new ArrayList<>(outgoing);
      grown.add(listener);
      outgoing = List.copyOf(grown);
    }
    return this;
  }

  @Override
  public Socket offAnyOutgoing(BiConsumer<String, Object[]> listener) {
    synchronized (lock) {
      outgoing = outgoing.stream().filter(l -> l != listener).toList();
    }
    return this;
  }

  private void notifyOutgoing(String event, Object[] args) {
    for (BiConsumer<String, Object[]> listener : outgoing) {
      try {
        listener.accept(event, args);
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue(LogKeys.SOCKET, id).setCause(e).log("onAnyOutgoing listener threw on {}", event);
      }
    }
  }

  @Override
  public Socket use(EventMiddleware middleware) {
    handlers.use(middleware);
    return this;
  }

  @Override
  public Socket onDisconnecting(Consumer<DisconnectReason> handler) {
    handlers.onDisconnecting(handler);
    return this;
  }

  @Override
  public Socket onDisconnect(Consumer<DisconnectReason> handler) {
    handlers.onDisconnect(handler);
    return this;
  }

  @Override
  public Socket onError(Consumer<Throwable> handler) {
    handlers.onError(handler);
    return this;
  }

  // ---- inbound, called by the Client ----

  /**
   * Whether an event from the client is within the socket's rate limits; one that is not is answered (when it
   * asks for an ack) and dropped, and a client past {@link RateLimits#disconnectAfter()} is disconnected. On the
   * transport's thread, before the event is queued.
   */
  boolean admit(SocketPacket packet) {
    if (limiter == null) {
      return true;
    }
    long retryAfterMs = limiter.acquire(packet.event(), System.nanoTime());
    if (retryAfterMs == 0) {
      return true;
    }
    refuse(packet, retryAfterMs);
    return false;
  }

  /** Whether an event is within its per-user limit, if it has one. On the connection's executor. */
  private boolean admitForUser(SocketPacket packet) {
    RateLimits limits = limiter.limits();
    RateLimit limit = limits.userEvent(packet.event());
    if (limit == null) {
      return true;
    }
    String user;
    long retryAfterMs;
    try {
      user = limits.userOf(this);
      retryAfterMs = user == null ? 0 : limits.store().acquire(user, packet.event(), limit);
    } catch (RuntimeException e) {
      context.about(log.atWarn()).setCause(e).log("per-user rate limit not checked, '{}' let through",
          packet.event());
      return true;
    }
    if (retryAfterMs == 0) {
      return true;
    }
    limiter.violated();
    refuse(packet, retryAfterMs);
    return false;
  }

  /** Answers an event over a limit when it asks for an ack, and disconnects a client past its violations. */
  private void refuse(SocketPacket packet, long retryAfterMs) {
    if (packet.hasAck()) {
      client.send(namespace.encoder().encodeAck(namespace.name(), packet.ackId(),
          new Object[] {Map.of("error", "rate_limited", "retryAfterMs", retryAfterMs)}), false);
    }
    if (limiter.exhausted()) {
      client.session().close(CloseReason.POLICY_VIOLATION, limiter.violations() + " events over their rate limits");
    } else if (limiter.violations() == 1) {
      context.about(log.atDebug()).log("'{}' over its rate limit, dropped", packet.event());
    }
  }

  /** An event from the client: runs its middlewares and handlers. On the connection's executor. */
  void onEvent(SocketPacket packet, long arrivedNanos) {
    if (!connected() || (limiter != null && !admitForUser(packet))) {
      return;
    }
    NotifyMetrics metrics = namespace.server().metrics();
    long started = System.nanoTime();
    metrics.eventReceived(namespace.metricsName(), started - arrivedNanos);
    Args args = Args.of(packet.data(), 1, namespace.mapper());
    Ack ack = packet.hasAck() ? new ClientAck(packet.ackId()) : Ack.NONE;
    handlers.dispatch(packet.event(), args, ack, client.executor());
    metrics.eventHandled(namespace.metricsName(), System.nanoTime() - started);
  }

  /** An ACK from the client. */
  void onAck(SocketPacket packet) {
    PendingAcks.Waiting waiting = acks.remove(packet.ackId());
    if (waiting == null) {
      context.about(log.atDebug()).log("ignored ack {} (unknown or timed out)", packet.ackId());
      return;
    }
    namespace.server().metrics().ackReceived(namespace.metricsName(), System.nanoTime() - waiting.sentNanos());
    AckListener listener = waiting.listener();
    runApplicationCode(() -> listener.onAck(packet.data()));
  }

  /**
   * Runs, on the shared executor and with this socket's MDC, what completes an ack's future: the application's
   * callbacks on it run there.
   */
  private void runApplicationCode(Runnable task) {
    namespace.server().executor().execute(() -> context.run(task::run));
  }

  // ---- LocalSocket ----

  @Override
  public boolean deliver(EncodedPacket packet, boolean volatilePacket) {
    return send(framesOf(packet), volatilePacket); // the adapter counts a broadcast's deliveries at once
  }

  private List<Frame> framesOf(EncodedPacket packet) {
    if (packet instanceof Namespace.Encoded encoded && encoded.namespace() == namespace) {
      return encoded.frames();
    }
    throw new IllegalArgumentException("packet was not encoded by namespace " + namespace.name()
        + " (AdapterNamespace.encode): " + packet);
  }

  private void deliver(List<Frame> frames, boolean volatileFrames) {
    if (send(frames, volatileFrames)) {
      namespace.server().metrics().eventSent(namespace.metricsName());
    }
  }

  /** Hands the frames to the connection, or holds them while missed events are replayed; false once disconnected. */
  private boolean send(List<Frame> frames, boolean volatileFrames) {
    if (!connected()) {
      return false;
    }
    if (!held.offer(frames, volatileFrames)) {
      client.send(frames, volatileFrames);
    }
    return true;
  }

  /** From now on, live deliveries wait for {@link #releaseLive}. */
  void holdLive() {
    held.hold();
  }

  /** Sends the held deliveries, in order, but for those the replay sent (offset up to {@code replayedUpTo}). */
  void releaseLive(String replayedUpTo) {
    held.release(replayedUpTo, client::send);
  }

  @Override
  public void deliverWithAck(EncodedPacket packet, long ackId, AckListener listener) {
    List<Frame> frames = framesOf(packet);
    if (connected() && acks.add(ackId, listener)) {
      deliver(frames, false);
    } else {
      runApplicationCode(() -> listener.onDisconnect(id));
    }
  }

  @Override
  public SocketDetails details() {
    JsonNode dataJson;
    try {
      dataJson = data == null ? namespace.mapper().createObjectNode() : namespace.mapper().valueToTree(data);
    } catch (IllegalArgumentException e) {
      context.about(log.atWarn()).log("data is not JSON-serializable, fetchSockets reports null: {}",
          e.getMessage());
      dataJson = NullNode.getInstance();
    }
    return new SocketDetails(id, handshake.toJson(namespace.mapper()), rooms(), dataJson);
  }

  @Override
  public void disconnect(boolean close) {
    if (close) {
      client.disconnectAll();
      return;
    }
    if (markDisconnected()) {
      client.send(namespace.encoder().encode(SocketPacketType.DISCONNECT, namespace.name(), SocketPacket.NO_ACK,
          null), false);
      client.executor().execute(() -> cleanup(DisconnectReason.SERVER_NAMESPACE_DISCONNECT));
    }
  }

  // ---- lifecycle ----

  /** Marks the socket connected; it is in its namespace from now on. */
  void markConnected() {
    connected.set(true);
    namespace.server().metrics().socketConnected(namespace.metricsName());
  }

  /** Marks the socket disconnected; {@code true} for the one caller that must run {@link #cleanup}. */
  boolean markDisconnected() {
    return connected.compareAndSet(true, false);
  }

  /** Leaves rooms and namespace, fails pending acks, runs the disconnect handlers. On the connection's executor. */
  void cleanup(DisconnectReason reason) {
    namespace.server().metrics().socketDisconnected(namespace.metricsName(), reason.toString());
    handlers.fireDisconnect(reason, () -> {
      saveForRecovery(reason);
      namespace.adapter().delAll(this);
      namespace.remove(this);
      client.remove(this);
      for (AckListener listener : acks.close()) {
        runApplicationCode(() -> listener.onDisconnect(id));
      }
      context.about(log.atDebug()).log("socket disconnected: {}", reason);
    });
  }

  /** Keeps the session for its client to take back, when it left by accident (not by a namespace disconnect). */
  private void saveForRecovery(DisconnectReason reason) {
    RecoveryStore recovery = namespace.server().recovery();
    if (recovery == null || pid == null || reason == DisconnectReason.SERVER_NAMESPACE_DISCONNECT
        || reason == DisconnectReason.CLIENT_NAMESPACE_DISCONNECT) {
      return;
    }
    Set<String> rooms = new java.util.HashSet<>(rooms());
    rooms.remove(id);
    CompletableFuture<Void> saved;
    try {
      saved = recovery.saveSession(new RecoveryStore.Session(namespace.name(), pid, id, rooms,
          data == null ? Map.of() : Map.copyOf(data), namespace.server().clock().instant()),
          namespace.server().options().maxDisconnectionDuration());
    } catch (RuntimeException e) {
      saved = CompletableFuture.failedFuture(e);
    }
    saved.whenComplete((v, e) -> {
      if (e != null) {
        context.about(log.atWarn()).log("could not save the session for recovery: {}", e.toString());
      }
    });
  }

  @Override
  public String toString() {
    return "Socket{id=" + id + ", nsp=" + namespace.name() + '}';
  }

  /** Answers one client event. */
  private final class ClientAck extends AtomicBoolean implements Ack {
    private static final long serialVersionUID = 1L;
    private final long ackId;

    ClientAck(long ackId) {
      this.ackId = ackId;
    }

    @Override
    public void send(Object... args) {
      Objects.requireNonNull(args, "args");
      if (!compareAndSet(false, true)) {
        context.about(log.atDebug()).log("ack {} already sent", ackId);
        return;
      }
      client.send(namespace.encoder().encodeAck(namespace.name(), ackId, args), false);
    }
  }
}
