package dev.notify.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.notify.core.adapter.AdapterFactory;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.metrics.MetricsFanOut;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.internal.protocol.SocketPacketDecoder;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO v4 server: Socket.IO's {@code io}. Build one, register its transports on your container (see
 * notify-jakarta), and use it from anywhere in the application to reach clients.
 *
 * <pre>{@code
 * NotifyServer io = NotifyServer.builder()
 *     .allowedOrigins("https://app.example.com")
 *     .build();
 * io.use((socket, next) -> {
 *   String token = socket.handshake().auth().path("token").asText(null);
 *   if (token == null) { next.reject("Authentication required"); return; }
 *   socket.data().put("userId", verify(token));
 *   next.accept();
 * });
 * io.onConnection(socket -> {
 *   socket.join("user:" + socket.data().get("userId"));
 *   socket.on("subscribe", (args, ack) -> ack.send("ok"));
 * });
 * io.to("user:42").emit("notification:new", notification);   // any thread
 * }</pre>
 *
 * <p>Share one instance per application; it is thread-safe. {@link #close()} closes every connection without
 * Socket.IO DISCONNECT packets, so clients reconnect by themselves (to another node in a cluster).
 *
 * <p>Threads: transport threads only decode and enqueue. Middlewares and handlers run on the handler
 * {@link Builder#executor executor}, one task of a connection at a time in arrival order; acknowledgement
 * futures complete on that executor too. Heartbeats and timeouts run on one shared scheduler.
 */
public final class NotifyServer implements Emitter, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifyServer.class);

  private final ServerOptions options;
  static {
    Transports.install(NotifyServer::engine);
  }

  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsExecutor;
  private final boolean ownsScheduler;
  private final ObjectMapper mapper;
  private final SocketPacketEncoder encoder;
  /** Shared by every connection's decoder: an ObjectReader and its config are ~160 bytes per connection. */
  private final ObjectReader payloadReader;
  private final AdapterFactory adapterFactory;
  private final Clock clock;
  /** What the builder was given, and what joins later (the Admin UI's recorder). */
  private final MetricsFanOut metrics;
  private final RecoveryStore recovery;
  private final EngineServer engine;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final List<DynamicNamespace> dynamicNamespaces = new CopyOnWriteArrayList<>();
  private final List<Consumer<Namespace>> namespaceListeners = new CopyOnWriteArrayList<>();
  private final Namespace main;
  private final Builder builder;
  private final HealthChecks health;
  /** Set once by {@link #drain}; guarded by this. */
  private CompletableFuture<Void> drained;

  private NotifyServer(Builder b) {
    this.builder = b.copy();
    this.options = new ServerOptions(b.engine.build(), b.connectTimeout, b.maxDisconnectionDuration,
        b.skipMiddlewaresOnRecovery, b.maxAttachments, b.maxInboundPackets, b.maxInboundBytes, b.rateLimits);
    this.ownsExecutor = b.executor == null;
    this.executor = ownsExecutor ? new HandlerPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()))
        : b.executor;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? defaultScheduler() : b.scheduler;
    this.mapper = b.mapper == null ? JsonMapper.builder().build() : b.mapper;
    this.encoder = new SocketPacketEncoder(mapper);
    this.payloadReader = SocketPacketDecoder.payloadReader(mapper.reader());
    this.adapterFactory = b.adapterFactory;
    this.clock = b.clock;
    this.metrics = NotifyMetrics.of(b.metrics);
    this.recovery = b.maxDisconnectionDuration == null ? null
        : b.recoveryStore != null ? b.recoveryStore : new InMemoryRecoveryStore(b.maxDisconnectionDuration, clock);
    this.engine = new EngineServer(options.engine(), scheduler, session -> new Client(this, session), metrics);
    this.main = of("/");
    this.health = new HealthChecks(new ExecutorProbe(executor));
    log.info("notify server started: {}", options);
  }

  /** A builder with Socket.IO's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder seeded with this server's options and resources, to build a similar server. */
  public Builder newBuilder() {
    return builder.copy();
  }

  public ServerOptions options() {
    return options;
  }

  /** The Engine.IO server: transports reach it through {@link Transports}, tests of this package directly. */
  EngineServer engine() {
    return engine;
  }

  /** Engine.IO sessions open on this node, whatever their namespaces (Node's {@code io.engine.clientsCount}). */
  public int clientsCount() {
    return engine.sessionCount();
  }

  /**
   * The namespace with that name, created on first call; {@code "/"} is the main namespace, which the methods
   * of this class act on.
   *
   * @throws IllegalArgumentException when the name does not start with {@code /}
   */
  public Namespace of(String name) {
    Objects.requireNonNull(name, "namespace");
    if (!name.startsWith("/")) {
      throw new IllegalArgumentException("namespace must start with '/', was " + name);
    }
    return namespace(name, null);
  }

  /** The namespace {@code name}, made (child of {@code parent} when not null) and announced if it is new. */
  private Namespace namespace(String name, DynamicNamespace parent) {
    Namespace existing = namespaces.get(name);
    if (existing != null) {
      return existing;
    }
    boolean[] made = new boolean[1];
    Namespace namespace = namespaces.computeIfAbsent(name, n -> {
      made[0] = true;
      return new Namespace(this, n, parent);
    });
    if (made[0]) {
      for (Consumer<Namespace> listener : namespaceListeners) {
        try {
          listener.accept(namespace);
        } catch (RuntimeException e) {
          log.atWarn().addKeyValue(LogKeys.NSP, name).setCause(e).log("a new-namespace listener threw");
        }
      }
    }
    return namespace;
  }

  /** The namespaces of this server: static ones, and the children dynamic ones made so far. */
  public List<Namespace> namespaces() {
    return List.copyOf(namespaces.values());
  }

  /**
   * Runs for each namespace made from now on (Socket.IO's {@code new_namespace} event): by {@link #of(String)}, or
   * for a client of a dynamic namespace. On the thread that made it; must not block.
   */
  public NotifyServer onNewNamespace(Consumer<Namespace> listener) {
    namespaceListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** Removes a listener added with {@link #onNewNamespace}. */
  public NotifyServer offNewNamespace(Consumer<Namespace> listener) {
    namespaceListeners.remove(listener);
    return this;
  }

  /** Namespaces created on demand for names that match the pattern entirely, as {@code io.of(/regex/)}. */
  public DynamicNamespace of(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return addDynamic(new DynamicNamespace(name -> pattern.matcher(name).matches(), pattern.pattern()));
  }

  /** Namespaces created on demand for names the predicate accepts. */
  public DynamicNamespace of(Predicate<String> matcher) {
    Objects.requireNonNull(matcher, "matcher");
    return addDynamic(new DynamicNamespace(matcher, null));
  }

  private DynamicNamespace addDynamic(DynamicNamespace dynamic) {
    dynamicNamespaces.add(dynamic);
    return dynamic;
  }

  /** The namespace a client asked for: an existing one, a new child of a dynamic one, or {@code null}. */
  Namespace namespaceFor(String name) {
    Namespace existing = namespaces.get(name);
    if (existing != null) {
      return existing;
    }
    for (DynamicNamespace dynamic : dynamicNamespaces) {
      if (dynamic.matches(name)) {
        return namespace(name, dynamic);
      }
    }
    return null;
  }

  // ---- the main namespace ----

  /** Adds a connection middleware to the main namespace. */
  public NotifyServer use(ConnectionMiddleware middleware) {
    main.use(middleware);
    return this;
  }

  /** Runs for each socket connected to the main namespace. */
  public NotifyServer onConnection(Consumer<Socket> handler) {
    main.onConnection(handler);
    return this;
  }

  /** Removes a connection handler of the main namespace. */
  public NotifyServer offConnection(Consumer<Socket> handler) {
    main.offConnection(handler);
    return this;
  }

  /** Handles {@code serverSideEmit} events of the main namespace from other nodes. */
  public NotifyServer onServerSideEmit(String event, EventHandler handler) {
    main.onServerSideEmit(event, handler);
    return this;
  }

  /** Removes a {@code serverSideEmit} handler of the main namespace. */
  public NotifyServer offServerSideEmit(String event, EventHandler handler) {
    main.offServerSideEmit(event, handler);
    return this;
  }

  @Override
  public BroadcastOperator to(String... rooms) {
    return main.to(rooms);
  }

  @Override
  public BroadcastOperator in(String... rooms) {
    return main.in(rooms);
  }

  @Override
  public BroadcastOperator except(String... rooms) {
    return main.except(rooms);
  }

  @Override
  public BroadcastOperator asVolatile() {
    return main.asVolatile();
  }

  @Override
  public BroadcastOperator compress(boolean compress) {
    return main.compress(compress);
  }

  /** Broadcasts that stay on this node. */
  public BroadcastOperator local() {
    return main.local();
  }

  /** Broadcasts with an ack timeout. */
  public BroadcastOperator timeout(Duration timeout) {
    return main.timeout(timeout);
  }

  @Override
  public void emit(String event, Object... args) {
    main.emit(event, args);
  }

  /** See {@link BroadcastOperator#emitWithAck}. */
  public CompletableFuture<List<Args>> emitWithAck(String event, Object... args) {
    return main.emitWithAck(event, args);
  }

  /** Every socket of the main namespace, on every node. */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return main.fetchSockets();
  }

  @Override
  public void socketsJoin(String... rooms) {
    main.socketsJoin(rooms);
  }

  @Override
  public void socketsLeave(String... rooms) {
    main.socketsLeave(rooms);
  }

  @Override
  public void disconnectSockets(boolean close) {
    main.disconnectSockets(close);
  }

  @Override
  public void serverSideEmit(String event, Object... args) {
    main.serverSideEmit(event, args);
  }

  /** See {@link Namespace#serverSideEmitWithAck}. */
  public CompletableFuture<List<Args>> serverSideEmitWithAck(String event, Object... args) {
    return main.serverSideEmitWithAck(event, args);
  }

  /** See {@link Namespace#serverSideEmitWithAck(Duration, String, Object...)}. */
  public CompletableFuture<List<Args>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
    return main.serverSideEmitWithAck(timeout, event, args);
  }

  // ---- lifecycle ----

  /**
   * Closes every connection (clients see {@code transport close} and reconnect elsewhere), fails pending acks,
   * closes the adapters, and stops the executors this server created, waiting up to 5 s for running handlers.
   * Idempotent.
   */
  @Override
  public void close() {
    if (engine.isClosed()) {
      return;
    }
    engine.close();
    for (Namespace namespace : namespaces.values()) {
      try {
        namespace.adapter().close();
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue(LogKeys.NSP, namespace.name()).setCause(e).log("adapter failed to close");
      }
    }
    if (ownsExecutor) {
      ((HandlerPool) executor).close();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    log.info("notify server closed");
  }

  // ---- shared resources ----

  Executor executor() {
    return executor;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  /** The JSON mapper every payload goes through. */
  public ObjectMapper mapper() {
    return mapper;
  }

  SocketPacketEncoder encoder() {
    return encoder;
  }

  /** What each connection's {@link SocketPacketDecoder} reads payloads with. */
  ObjectReader payloadReader() {
    return payloadReader;
  }

  AdapterFactory adapterFactory() {
    return adapterFactory;
  }

  /**
   * What this server, its adapters and the notification services on it report to: the recorder of
   * {@link Builder#metrics} ({@link NotifyMetrics#NONE} by default), and those added since with
   * {@code metrics().add(...)}.
   */
  public MetricsFanOut metrics() {
    return metrics;
  }

  Clock clock() {
    return clock;
  }

  /**
   * Moves this node's clients to the other nodes, then closes it: for rolling deploys. From now on new handshakes
   * are answered 503 ({@code Retry-After: 1}; a WebSocket handshake is closed with 1013), so a balancer, or a client
   * given another node's address, goes elsewhere; the open connections are closed one at a time, spread evenly with
   * jitter over {@code window}, as {@link #close()} closes them: clients reconnect by themselves, and with
   * connection state recovery and a shared store (such as the Redis one) they come back {@code recovered} on the
   * node they reach. A notification service on this node stops claiming deliveries; those under way finish or
   * go back to the queue. {@link #health()} says {@code DRAINING} (not ready) meanwhile. Idempotent: a second
   * call returns the first call's future.
   *
   * @param window how long the clients take to leave; {@code Duration.ZERO} closes them all at once
   * @return completes once the window is over and the server is closed
   * @throws IllegalArgumentException when {@code window} is negative
   */
  public synchronized CompletableFuture<Void> drain(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must be >= 0, was " + window);
    }
    if (drained == null) {
      drained = engine.isClosed() ? CompletableFuture.completedFuture(null)
          : Drain.start(engine, scheduler, window, this::close);
    }
    return drained;
  }

  /** Whether {@link #drain} was called: new connections are refused and the open ones are leaving. */
  public boolean draining() {
    return engine.isDraining();
  }

  /**
   * What this node says of itself, for readiness and liveness probes: see {@link ServerHealth}. Never blocks;
   * cheap enough for a probe every second.
   */
  public ServerHealth health() {
    return health.assemble(engine.isClosed(), engine.isDraining(), namespaces.values(), recovery);
  }

  /**
   * Adds a check to {@link #health()}, such as a database the handlers need: when it is down the status is
   * {@code DEGRADED}. The supplier runs on the caller of {@code health()} and must not block.
   *
   * @throws IllegalArgumentException when the name is blank or one of the server's own checks
   * @throws IllegalStateException when a check has that name already
   */
  public void addHealthCheck(String name, Supplier<ServerHealth.Check> check) {
    health.add(name, check);
  }

  /** Removes a check added with {@link #addHealthCheck}; nothing happens when there is none by that name. */
  public void removeHealthCheck(String name) {
    health.remove(name);
  }

  /** The recovery store, or {@code null} when connection state recovery is off. */
  RecoveryStore recovery() {
    return recovery;
  }

  private static ScheduledExecutorService defaultScheduler() {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("notify-scheduler-"));
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "NotifyServer{" + options + '}';
  }

  /**
   * Builds a {@link NotifyServer}. Engine settings default to Socket.IO's; each setter checks its value and
   * names the option when it refuses one. Not thread-safe.
   */
  public static final class Builder {
    private EngineOptions.Builder engine = EngineOptions.builder().path(ServerOptions.DEFAULT_PATH);
    private Duration connectTimeout = ServerOptions.DEFAULT_CONNECT_TIMEOUT;
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private ObjectMapper mapper;
    private AdapterFactory adapterFactory = InMemoryAdapter.factory();
    private Clock clock = Clock.systemUTC();
    private Duration maxDisconnectionDuration;
    private boolean skipMiddlewaresOnRecovery = true;
    private RecoveryStore recoveryStore;
    private NotifyMetrics metrics = NotifyMetrics.NONE;
    private int maxAttachments = ServerOptions.DEFAULT_MAX_ATTACHMENTS;
    private int maxInboundPackets = ServerOptions.DEFAULT_MAX_INBOUND_PACKETS;
    private long maxInboundBytes = ServerOptions.DEFAULT_MAX_INBOUND_BYTES;
    private RateLimits rateLimits;

    private Builder() {
    }

    private Builder copy() {
      Builder b = new Builder();
      b.engine = engine.build().toBuilder();
      b.connectTimeout = connectTimeout;
      b.executor = executor;
      b.scheduler = scheduler;
      b.mapper = mapper;
      b.adapterFactory = adapterFactory;
      b.clock = clock;
      b.maxDisconnectionDuration = maxDisconnectionDuration;
      b.skipMiddlewaresOnRecovery = skipMiddlewaresOnRecovery;
      b.recoveryStore = recoveryStore;
      b.maxAttachments = maxAttachments;
      b.maxInboundPackets = maxInboundPackets;
      b.maxInboundBytes = maxInboundBytes;
      b.rateLimits = rateLimits;
      return b;
    }

    /** The HTTP path; starts and ends with {@code /}. Defaults to {@value ServerOptions#DEFAULT_PATH}. */
    public Builder path(String path) {
      engine.path(path);
      return this;
    }

    /** How often each client is pinged; &gt; 0. Defaults to 25 s. */
    public Builder pingInterval(Duration pingInterval) {
      engine.pingInterval(pingInterval);
      return this;
    }

    /** How long to wait for a pong before closing; &gt; 0. Defaults to 20 s. */
    public Builder pingTimeout(Duration pingTimeout) {
      engine.pingTimeout(pingTimeout);
      return this;
    }

    /** The largest message a client may send, in bytes; &gt; 0. Defaults to 1,000,000. */
    public Builder maxPayload(int maxPayload) {
      engine.maxPayload(maxPayload);
      return this;
    }

    /** How long a polling client's upgrade to WebSocket may take; &gt; 0. Defaults to 10 s. */
    public Builder upgradeTimeout(Duration upgradeTimeout) {
      engine.upgradeTimeout(upgradeTimeout);
      return this;
    }

    /** See {@link EngineOptions.Builder#maxBufferedPackets}. Defaults to 4096. */
    public Builder maxBufferedPackets(int maxBufferedPackets) {
      engine.maxBufferedPackets(maxBufferedPackets);
      return this;
    }

    /** See {@link EngineOptions.Builder#maxBufferedBytes}. Defaults to 4 MiB. */
    public Builder maxBufferedBytes(long maxBufferedBytes) {
      engine.maxBufferedBytes(maxBufferedBytes);
      return this;
    }

    /**
     * The most binary attachments one packet from a client may announce; &gt;= 0. The attachments of one
     * packet together are bounded by {@link #maxPayload}: a client that goes past either is disconnected
     * (WebSocket close 1009). Defaults to {@value ServerOptions#DEFAULT_MAX_ATTACHMENTS}.
     */
    public Builder maxAttachments(int maxAttachments) {
      if (maxAttachments < 0) {
        throw new IllegalArgumentException("maxAttachments must be >= 0, was " + maxAttachments);
      }
      this.maxAttachments = maxAttachments;
      return this;
    }

    /**
     * The most packets from one client that may wait for its handlers (they run one at a time per connection);
     * &gt; 0. A client that sends faster than its handlers run is disconnected past it (WebSocket close 1008).
     * Defaults to {@value ServerOptions#DEFAULT_MAX_INBOUND_PACKETS}.
     */
    public Builder maxInboundPackets(int maxInboundPackets) {
      if (maxInboundPackets <= 0) {
        throw new IllegalArgumentException("maxInboundPackets must be > 0, was " + maxInboundPackets);
      }
      this.maxInboundPackets = maxInboundPackets;
      return this;
    }

    /**
     * The most bytes of packets from one client that may wait for its handlers; &gt; 0. As
     * {@link #maxInboundPackets}, counted in bytes. Defaults to 4 MiB.
     */
    public Builder maxInboundBytes(long maxInboundBytes) {
      if (maxInboundBytes <= 0) {
        throw new IllegalArgumentException("maxInboundBytes must be > 0, was " + maxInboundBytes);
      }
      this.maxInboundBytes = maxInboundBytes;
      return this;
    }

    /**
     * Limits the events each socket may send (token buckets, see {@link RateLimits}). Defaults to none, as
     * Socket.IO.
     */
    public Builder rateLimits(RateLimits rateLimits) {
      this.rateLimits = Objects.requireNonNull(rateLimits, "rateLimits");
      return this;
    }

    /** See {@link EngineOptions.Builder#transports}. Defaults to polling and websocket. */
    public Builder transports(String... transports) {
      engine.transports(transports);
      return this;
    }

    /** See {@link EngineOptions.Builder#allowedOrigins}. Defaults to the page's own origin only. */
    public Builder allowedOrigins(String... origins) {
      engine.allowedOrigins(origins);
      return this;
    }

    /** See {@link EngineOptions.Builder#allowedHosts}. Defaults to none: IP addresses and localhost only. */
    public Builder allowedHosts(String... hosts) {
      engine.allowedHosts(hosts);
      return this;
    }

    /** See {@link EngineOptions.Builder#maxConnections}. Defaults to no limit. */
    public Builder maxConnections(int maxConnections) {
      engine.maxConnections(maxConnections);
      return this;
    }

    /** See {@link EngineOptions.Builder#maxConnectionsPerAddress}. Defaults to no limit. */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      engine.maxConnectionsPerAddress(maxConnectionsPerAddress);
      return this;
    }

    /** See {@link EngineOptions.Builder#handshakesPerSecond}. Defaults to no limit. */
    public Builder handshakesPerSecond(int handshakesPerSecond) {
      engine.handshakesPerSecond(handshakesPerSecond);
      return this;
    }

    /** See {@link EngineOptions.Builder#trustedProxies}. Defaults to none. */
    public Builder trustedProxies(String... addresses) {
      engine.trustedProxies(addresses);
      return this;
    }

    /** See {@link EngineOptions.Builder#perMessageDeflate}. Defaults to {@code false}. */
    public Builder perMessageDeflate(boolean perMessageDeflate) {
      engine.perMessageDeflate(perMessageDeflate);
      return this;
    }

    /** See {@link EngineOptions.Builder#httpCompression}. Defaults to {@code true}. */
    public Builder httpCompression(boolean httpCompression) {
      engine.httpCompression(httpCompression);
      return this;
    }

    /** See {@link EngineOptions.Builder#compressionThreshold}. Defaults to 1024 bytes. */
    public Builder compressionThreshold(int bytes) {
      engine.compressionThreshold(bytes);
      return this;
    }

    /** See {@link EngineOptions.Builder#allowCredentials}. Defaults to {@code false}. */
    public Builder allowCredentials(boolean allowCredentials) {
      engine.allowCredentials(allowCredentials);
      return this;
    }

    /** How long a new connection may take to join a namespace; &gt; 0. Defaults to 45 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be > 0, was " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Where middlewares and handlers run. Defaults to a fork-join pool of max(4, 2 × cores) daemon threads that
     * {@link #close()} stops; supply a larger one if handlers block for long. One you supply is not shut down.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Runs heartbeats and timeouts. Defaults to one daemon thread that {@link #close()} stops. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The Jackson mapper for every payload. Defaults to a plain {@link JsonMapper}. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "objectMapper");
      return this;
    }

    /** Creates each namespace's adapter. Defaults to {@link InMemoryAdapter#factory()}: a single node. */
    public Builder adapter(AdapterFactory adapterFactory) {
      this.adapterFactory = Objects.requireNonNull(adapterFactory, "adapter");
      return this;
    }

    /**
     * Turns on connection state recovery (Socket.IO 4.6+, used by {@code socket.io-client} 4.6+ by itself): the
     * CONNECT answer carries a private session id, every event without ack an offset (as its last argument), and
     * a client that comes back within {@code maxDisconnectionDuration} (Socket.IO's default is 2 min) gets its
     * socket id, rooms and data back with every event it missed; {@link Socket#recovered()} is then true. Events
     * are kept that long, so memory grows with the event rate. Off by default.
     */
    public Builder connectionStateRecovery(Duration maxDisconnectionDuration) {
      Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
      if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
        throw new IllegalArgumentException("maxDisconnectionDuration must be > 0, was " + maxDisconnectionDuration);
      }
      this.maxDisconnectionDuration = maxDisconnectionDuration;
      return this;
    }

    /** Whether a recovered connection skips the connection middlewares. Defaults to {@code true}, as Socket.IO. */
    public Builder skipMiddlewaresOnRecovery(boolean skip) {
      this.skipMiddlewaresOnRecovery = skip;
      return this;
    }

    /**
     * Where recovery keeps events and sessions. Defaults to an {@link InMemoryRecoveryStore}: clients recover
     * only on the node they left; a shared store (notify-redis) lets them come back anywhere.
     */
    public Builder recoveryStore(RecoveryStore recoveryStore) {
      this.recoveryStore = Objects.requireNonNull(recoveryStore, "recoveryStore");
      return this;
    }

    /**
     * Where the server, its adapters and the notification services on it report what they do: connections,
     * packets, events, acks, broadcasts, cluster messages, deliveries. Defaults to {@link NotifyMetrics#NONE}
     * (nothing recorded); notify-micrometer's {@code MicrometerMetrics.of(registry)} records them in Micrometer.
     */
    public Builder metrics(NotifyMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** The clock of handshake times. Defaults to the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** @throws IllegalStateException when a recovery store is given without connection state recovery */
    public NotifyServer build() {
      if (recoveryStore != null && maxDisconnectionDuration == null) {
        throw new IllegalStateException("recoveryStore is set but connection state recovery is off: call "
            + "connectionStateRecovery(maxDisconnectionDuration) too");
      }
      return new NotifyServer(this);
    }
  }
}
