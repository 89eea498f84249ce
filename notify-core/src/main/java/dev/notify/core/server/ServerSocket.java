package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.EncodedPacket;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.core.internal.Targets;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private volatile Handlers handlers = Handlers.EMPTY;
  /** Guards the handler registry's writes, the ack table and the held deliveries; never held while sending. */
  private final Object lock = new Object();
  /** guarded by lock */
  private Map<Long, AckListener> acks;
  /** Live deliveries held while a recovered session replays what it missed; guarded by lock. */
  private List<Held> held;

  private record Held(List<Frame> frames, boolean volatileFrames) {
  }

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
    if (!addAck(ackId, listener)) {
      result.completeExceptionally(new AckException("socket " + id + " is disconnected"));
      return result;
    }
    if (timeout != null) {
      ScheduledFuture<?> timer = namespace.server().scheduler().schedule(() -> {
        if (removeAck(ackId) != null) {
          namespace.server().executor().execute(() ->
              result.completeExceptionally(AckTimeoutException.forSocket(id, event, timeout)));
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
      result.whenComplete((r, e) -> timer.cancel(false));
    }
    if (!client.send(frames, volatileFlag) && removeAck(ackId) != null) {
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
    synchronized (lock) {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(handler, "handler");
      handlers = handlers.withEvent(event, handler);
      return this;
    }
  }

  @Override
  public Socket off(String event) {
    synchronized (lock) {
      handlers = handlers.withoutEvent(event, null);
      return this;
    }
  }

  @Override
  public Socket off(String event, EventHandler handler) {
    synchronized (lock) {
      handlers = handlers.withoutEvent(event, handler);
      return this;
    }
  }

  @Override
  public Socket onAny(AnyEventHandler handler) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.any = append(h.any, Objects.requireNonNull(handler, "handler")));
      return this;
    }
  }

  @Override
  public Socket offAny(AnyEventHandler handler) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.any = remove(h.any, handler));
      return this;
    }
  }

  @Override
  public Socket use(EventMiddleware middleware) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.middlewares = append(h.middlewares, Objects.requireNonNull(middleware,
          "middleware")));
      return this;
    }
  }

  @Override
  public Socket onDisconnecting(Consumer<DisconnectReason> handler) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.disconnecting = append(h.disconnecting, Objects.requireNonNull(handler,
          "handler")));
      return this;
    }
  }

  @Override
  public Socket onDisconnect(Consumer<DisconnectReason> handler) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.disconnect = append(h.disconnect, Objects.requireNonNull(handler,
          "handler")));
      return this;
    }
  }

  @Override
  public Socket onError(Consumer<Throwable> handler) {
    synchronized (lock) {
      handlers = handlers.with(h -> h.error = append(h.error, Objects.requireNonNull(handler, "handler")));
      return this;
    }
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
      log.warn("socket={} nsp={} event={}: per-user rate limit not checked, event let through", id,
          namespace.name(), packet.event(), e);
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
      log.debug("socket={} nsp={}: event {} over its rate limit, dropped", id, namespace.name(), packet.event());
    }
  }

  /** An event from the client: runs its middlewares and handlers. On the connection's executor. */
  void onEvent(SocketPacket packet) {
    if (!connected() || (limiter != null && !admitForUser(packet))) {
      return;
    }
    String event = packet.event();
    Args args = Args.of(packet.data(), 1, namespace.mapper());
    Ack ack = packet.hasAck() ? new ClientAck(packet.ackId()) : Ack.NONE;
    Handlers h = handlers;
    if (h.middlewares.isEmpty()) {
      invoke(h, event, args, ack);
      return;
    }
    MiddlewareChain.run(h.middlewares, (m, next) -> m.handle(event, args, next), client.executor(),
        new MiddlewareChain.Outcome() {
          @Override
          public void accepted() {
            invoke(handlers, event, args, ack);
          }

          @Override
          public void rejected(String message, Object data) {
            fireError(new MiddlewareException(message, data));
          }

          @Override
          public void failed(Exception error) {
            log.warn("socket={} nsp={} event={}: event middleware threw", id, namespace.name(), event, error);
            fireError(error);
          }
        });
  }

  private void invoke(Handlers h, String event, Args args, Ack ack) {
    for (AnyEventHandler any : h.any) {
      try {
        any.handle(event, args);
      } catch (Exception e) {
        log.warn("socket={} nsp={} event={}: onAny handler threw", id, namespace.name(), event, e);
      }
    }
    for (EventHandler handler : h.events.getOrDefault(event, List.of())) {
      try {
        handler.handle(args, ack);
      } catch (Exception e) {
        log.warn("socket={} nsp={} event={}: handler threw", id, namespace.name(), event, e);
      }
    }
  }

  private void fireError(Throwable error) {
    for (Consumer<Throwable> handler : handlers.error) {
      try {
        handler.accept(error);
      } catch (RuntimeException e) {
        log.warn("socket={} nsp={}: error handler threw", id, namespace.name(), e);
      }
    }
  }

  /** An ACK from the client. */
  void onAck(SocketPacket packet) {
    AckListener listener = removeAck(packet.ackId());
    if (listener == null) {
      log.debug("socket={} nsp={}: ignored ack {} (unknown or timed out)", id, namespace.name(), packet.ackId());
      return;
    }
    namespace.server().executor().execute(() -> listener.onAck(packet.data()));
  }

  // ---- LocalSocket ----

  @Override
  public void deliver(EncodedPacket packet, boolean volatilePacket) {
    deliver(framesOf(packet), volatilePacket);
  }

  private List<Frame> framesOf(EncodedPacket packet) {
    if (packet instanceof Namespace.Encoded encoded && encoded.namespace() == namespace) {
      return encoded.frames();
    }
    throw new IllegalArgumentException("packet was not encoded by namespace " + namespace.name()
        + " (AdapterNamespace.encode): " + packet);
  }

  private void deliver(List<Frame> frames, boolean volatileFrames) {
    if (!connected()) {
      return;
    }
    synchronized (lock) {
      if (held != null) {
        held.add(new Held(frames, volatileFrames));
        return;
      }
    }
    client.send(frames, volatileFrames);
  }

  /** From now on, live deliveries wait for {@link #releaseLive}. */
  void holdLive() {
    synchronized (lock) {
      held = new ArrayList<>();
    }
  }

  /**
   * Sends the held deliveries, in order, leaving out the events the replay already sent: those whose offset is not
   * after {@code replayedUpTo} ({@code null}: nothing was replayed). Sends outside the lock: deliveries that arrive
   * meanwhile are still held, and go out in the next round, after the ones before them.
   */
  void releaseLive(String replayedUpTo) {
    while (true) {
      List<Held> release;
      synchronized (lock) {
        release = held;
        if (release == null) {
          return;
        }
        if (release.isEmpty()) {
          held = null;
          return;
        }
        held = new ArrayList<>();
      }
      for (Held h : release) {
        String offset = offsetOf(h.frames());
        if (offset == null || replayedUpTo == null || RecoveryStore.compareOffsets(offset, replayedUpTo) > 0) {
          client.send(h.frames(), h.volatileFrames());
        }
      }
    }
  }

  /** The offset an event frame carries as its last argument ({@code ...,"12-0"]}), or {@code null}. */
  static String offsetOf(List<Frame> frames) {
    Frame first = frames.get(0);
    if (first.isBinary()) {
      return null;
    }
    String text = first.text();
    if (text.length() < 4 || !(text.startsWith("42") || text.startsWith("45")) || !text.endsWith("\"]")) {
      return null;
    }
    int start = text.lastIndexOf('"', text.length() - 3);
    if (start < 0) {
      return null;
    }
    String offset = text.substring(start + 1, text.length() - 2);
    for (int i = 0; i < offset.length(); i++) {
      char c = offset.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '-')) {
        return null;
      }
    }
    return offset.isEmpty() ? null : offset;
  }

  @Override
  public void deliverWithAck(EncodedPacket packet, long ackId, AckListener listener) {
    List<Frame> frames = framesOf(packet);
    if (addAck(ackId, listener)) {
      deliver(frames, false);
    } else {
      namespace.server().executor().execute(() -> listener.onDisconnect(id));
    }
  }

  @Override
  public SocketDetails details() {
    JsonNode dataJson;
    try {
      dataJson = data == null ? namespace.mapper().createObjectNode() : namespace.mapper().valueToTree(data);
    } catch (IllegalArgumentException e) {
      log.warn("socket={} nsp={}: data is not JSON-serializable, fetchSockets reports null: {}", id,
          namespace.name(), e.getMessage());
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
  }

  /** Marks the socket disconnected; {@code true} for the one caller that must run {@link #cleanup}. */
  boolean markDisconnected() {
    return connected.compareAndSet(true, false);
  }

  /** Leaves rooms and namespace, fails pending acks, runs the disconnect handlers. On the connection's executor. */
  void cleanup(DisconnectReason reason) {
    Handlers h = handlers;
    for (Consumer<DisconnectReason> handler : h.disconnecting) {
      runHandler(handler, reason, "disconnecting");
    }
    saveForRecovery(reason);
    namespace.adapter().delAll(this);
    namespace.remove(this);
    client.remove(this);
    List<AckListener> pending;
    synchronized (lock) {
      pending = acks == null ? List.of() : new ArrayList<>(acks.values());
      acks = null;
    }
    for (AckListener listener : pending) {
      namespace.server().executor().execute(() -> listener.onDisconnect(id));
    }
    log.debug("socket={} nsp={} disconnected: {}", id, namespace.name(), reason);
    for (Consumer<DisconnectReason> handler : h.disconnect) {
      runHandler(handler, reason, "disconnect");
    }
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
        log.warn("socket={} nsp={}: could not save the session for recovery: {}", id, namespace.name(), e.toString());
      }
    });
  }

  private void runHandler(Consumer<DisconnectReason> handler, DisconnectReason reason, String kind) {
    try {
      handler.accept(reason);
    } catch (RuntimeException e) {
      log.warn("socket={} nsp={}: {} handler threw", id, namespace.name(), kind, e);
    }
  }

  private boolean addAck(long ackId, AckListener listener) {
    synchronized (lock) {
      if (!connected()) {
        return false;
      }
      if (acks == null) {
        acks = new HashMap<>(4);
      }
      acks.put(ackId, listener);
      return true;
    }
  }

  private AckListener removeAck(long ackId) {
    synchronized (lock) {
      return acks == null ? null : acks.remove(ackId);
    }
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
        log.debug("socket={} nsp={}: ack {} already sent", id, namespace.name(), ackId);
        return;
      }
      client.send(namespace.encoder().encodeAck(namespace.name(), ackId, args), false);
    }
  }

  // ---- handler registry: copied on write, read without locks ----

  private static <T> List<T> append(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(element);
    return List.copyOf(copy);
  }

  private static <T> List<T> remove(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list);
    copy.remove(element);
    return List.copyOf(copy);
  }

  private static final class Handlers implements Cloneable {
    static final Handlers EMPTY = new Handlers();

    Map<String, List<EventHandler>> events = Map.of();
    List<AnyEventHandler> any = List.of();
    List<EventMiddleware> middlewares = List.of();
    List<Consumer<DisconnectReason>> disconnecting = List.of();
    List<Consumer<DisconnectReason>> disconnect = List.of();
    List<Consumer<Throwable>> error = List.of();

    Handlers with(Consumer<Handlers> change) {
      Handlers copy;
      try {
        copy = (Handlers) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
      change.accept(copy);
      return copy;
    }

    Handlers withEvent(String event, EventHandler handler) {
      return with(h -> {
        Map<String, List<EventHandler>> map = new HashMap<>(events);
        map.put(event, append(events.getOrDefault(event, List.of()), handler));
        h.events = Map.copyOf(map);
      });
    }

    Handlers withoutEvent(String event, EventHandler handler) {
      return with(h -> {
        Map<String, List<EventHandler>> map = new HashMap<>(events);
        List<EventHandler> list = handler == null ? List.of() : remove(events.getOrDefault(event, List.of()), handler);
        if (list.isEmpty()) {
          map.remove(event);
        } else {
          map.put(event, list);
        }
        h.events = Map.copyOf(map);
      });
    }
  }
}
