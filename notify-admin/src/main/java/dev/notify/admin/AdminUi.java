package dev.notify.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.admin.AdminUiOptions.Mode;
import dev.notify.core.server.Args;
import dev.notify.core.server.BroadcastOperator;
import dev.notify.core.server.Namespace;
import dev.notify.core.server.Next;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5), as Node's
 * {@code instrument(io, opts)}: the UI connects to the admin namespace of any node and sees every node of the
 * cluster (each node sends its statistics through the adapter), Java and Node nodes alike.
 *
 * <pre>{@code
 * AdminUi admin = AdminUi.instrument(io, AdminUiOptions.builder()
 *     .basicAuth("admin", "$2b$10$...")          // bcrypt hash of the password
 *     .build());
 * NotifyStandalone.builder().add(io).adminUi("/admin-ui/", uiDist).start();   // or https://admin.socket.io
 * }</pre>
 *
 * <p>What the UI gets: {@code config} (supported features: emit, join, leave and disconnect unless read-only),
 * {@code server_stats} every 2 s (server id, host, pid, uptime, connections, polling connections, per-second
 * connection and packet counts, namespaces with their socket counts), and in development mode {@code all_sockets}
 * (fetched from the whole cluster), {@code socket_connected}, {@code socket_updated} (transport upgrades, seen at
 * the next statistics), {@code socket_disconnected}, {@code room_joined}, {@code room_left}, {@code event_received}
 * and {@code event_sent} for the sockets of this node. Logins are checked with bcrypt on a thread of the UI's own
 * (at most 64 waiting), never a handler thread; a successful one gets a session id that the store keeps.
 * Thread-safe; {@link #close()} stops it.
 */
public final class AdminUi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminUi.class);
  private static final long STATS_INTERVAL_MILLIS = 2_000;
  private static final int LOGINS_WAITING = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final NotifyServer io;
  private final AdminUiOptions options;
  private final Namespace admin;
  private final Serialized serialized;
  private final EventBuffer events = new EventBuffer();
  private final List<String> features;
  /**
   * Session ids made at login, until their socket's connection handler sends them. Weak keys: a socket whose
   * connection never completes takes its entry with it, so no client can grow this map.
   */
  private final Map<Socket, String> newSessions = Collections.synchronizedMap(new WeakHashMap<>());
  private final ThreadPoolExecutor logins;
  private final ScheduledExecutorService stats;
  private final String hostname = AdminUiOptions.hostname();
  private final long pid = ProcessHandle.current().pid();
  private final Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
  private final Consumer<Namespace> onNewNamespace = this::watch;
  private final Consumer<Socket> onAdminConnection = this::onAdminConnection;
  private final Map<Namespace, Watch> watched = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** What it registered on a namespace, to remove it on close. */
  private record Watch(Consumer<Socket> onConnection, BiConsumer<String, String> onJoin,
      BiConsumer<String, String> onLeave) {
  }

  private AdminUi(NotifyServer io, AdminUiOptions options) {
    this.io = io;
    this.options = options;
    this.admin = io.of(options.namespace());
    this.serialized = new Serialized(new ObjectMapper());
    List<String> supported = new ArrayList<>();
    if (!options.readonly()) {
      supported.addAll(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"));
    }
    supported.add("AGGREGATED_EVENTS");
    if (options.mode() == Mode.DEVELOPMENT) {
      supported.add("ALL_EVENTS");
    }
    this.features = List.copyOf(supported);
    this.logins = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(LOGINS_WAITING),
        daemon("notify-admin-login"));
    logins.allowCoreThreadTimeOut(true);
    this.stats = Executors.newSingleThreadScheduledExecutor(daemon("notify-admin-stats"));
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Serves the Admin UI on {@code io}: adds the admin namespace with its authentication, watches every namespace
   * (those made later too) and starts the statistics.
   */
  public static AdminUi instrument(NotifyServer io, AdminUiOptions options) {
    Objects.requireNonNull(io, "io");
    Objects.requireNonNull(options, "options");
    AdminUi ui = new AdminUi(io, options);
    ui.start();
    return ui;
  }

  private void start() {
    if (options.username() != null) {
      admin.use(this::authenticate);
    } else {
      log.warn("Admin UI on {} without authentication: anyone who reaches the server sees and acts on every "
          + "socket", options.namespace());
    }
    admin.onConnection(onAdminConnection);
    io.metrics().add(events);
    if (options.mode() == Mode.DEVELOPMENT) {
      io.onNewNamespace(onNewNamespace);
      io.namespaces().forEach(this::watch);
    }
    stats.scheduleWithFixedDelay(this::emitStats, 0, STATS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    log.info("Admin UI on {}: {}", options.namespace(), options);
  }

  public AdminUiOptions options() {
    return options;
  }

  // ---- authentication ----

  private void authenticate(Socket socket, Next next) {
    try {
      logins.execute(() -> {
        try {
          check(socket, next);
        } catch (RuntimeException e) {
          log.warn("Admin UI login failed on an error: {}", e.toString());
          next.reject("login failed: " + e.getClass().getSimpleName());
        }
      });
    } catch (RejectedExecutionException e) {
      next.reject("too many logins at once");
    }
  }

  private void check(Socket socket, Next next) {
    if (closed) {
      next.reject("the Admin UI is closed");
      return;
    }
    JsonNode auth = socket.handshake().auth();
    String sessionId = auth.path("sessionId").asText(null);
    if (sessionId != null && !sessionId.isEmpty() && options.sessionStore().exists(sessionId)) {
      next.accept();
      return;
    }
    String password = auth.path("password").asText(null);
    if (options.username().equals(auth.path("username").asText(null)) && password != null
        && BCrypt.checkpw(password, options.passwordHash())) {
      String id = HexFormat.of().formatHex(randomBytes());
      options.sessionStore().save(id);
      newSessions.put(socket, id);
      next.accept();
      return;
    }
    next.reject("invalid credentials");
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  // ---- the UI's connection and commands ----

  private void onAdminConnection(Socket socket) {
    String session = newSessions.remove(socket);
    if (session != null) {
      socket.emit("session", session);
    }
    if (!options.readonly()) {
      socket.on("emit", (args, ack) -> target(args, 0, 1).ifPresent(to ->
          to.emit(args.getString(2), rest(args, 3))));
      socket.on("join", (args, ack) -> target(args, 0, 2).ifPresent(to -> to.socketsJoin(args.getString(1))));
      socket.on("leave", (args, ack) -> target(args, 0, 2).ifPresent(to -> to.socketsLeave(args.getString(1))));
      socket.on("_disconnect", (args, ack) -> target(args, 0, 2).ifPresent(to ->
          to.disconnectSockets(args.get(1).asBoolean())));
    }
    socket.emit("config", Map.of("supportedFeatures", features));
    if (options.mode() == Mode.DEVELOPMENT) {
      allSockets().whenComplete((all, error) -> {
        if (error != null) {
          log.warn("Admin UI: fetching the sockets of the cluster failed: {}", error.toString());
        } else {
          socket.emit("all_sockets", all);
        }
      });
    }
  }

  /** The sockets of an existing namespace, of one room (a socket id for one socket) when a filter is given. */
  private Optional<BroadcastOperator> target(Args args, int nspIndex, int filterIndex) {
    String name = args.getString(nspIndex);
    Namespace namespace = io.namespaces().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    if (namespace == null) {
      log.debug("Admin UI: no namespace {} on this node", name);
      return Optional.empty();
    }
    JsonNode filter = args.size() > filterIndex ? args.get(filterIndex) : null;
    return Optional.of(filter != null && filter.isTextual() && !filter.asText().isEmpty()
        ? namespace.in(filter.asText()) : namespace.to());
  }

  private static Object[] rest(Args args, int from) {
    List<JsonNode> values = args.values();
    return values.subList(Math.min(from, values.size()), values.size()).toArray();
  }

  private CompletableFuture<List<JsonNode>> allSockets() {
    List<CompletableFuture<List<JsonNode>>> parts = new ArrayList<>();
    for (Namespace namespace : io.namespaces()) {
      parts.add(namespace.fetchSockets().thenApply(sockets -> sockets.stream()
          .map(s -> (JsonNode) serialized.socket(s, namespace.name())).toList()));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<JsonNode> all = new ArrayList<>();
      parts.forEach(p -> all.addAll(p.join()));
      return all;
    });
  }

  // ---- what happens on the other namespaces (development mode) ----

  private void watch(Namespace namespace) {
    if (closed) {
      return;
    }
    String nsp = namespace.name();
    Watch watch = new Watch(socket -> onConnection(namespace, socket),
        (room, id) -> emit("room_joined", nsp, room, id, now()),
        (room, id) -> emit("room_left", nsp, room, id, now()));
    if (watched.putIfAbsent(namespace, watch) != null) {
      return;
    }
    namespace.onConnection(watch.onConnection());
    namespace.onJoinRoom(watch.onJoin());
    namespace.onLeaveRoom(watch.onLeave());
  }

  private void onConnection(Namespace namespace, Socket socket) {
    if (closed) {
      return;
    }
    String nsp = namespace.name();
    socket.data().put(Serialized.ADMIN_KEY, Serialized.adminData(socket));
    emit("socket_connected", serialized.socket(socket, nsp), now());
    if (namespace != admin) {
      socket.onAny((event, args) -> emit("event_received", nsp, socket.id(),
          Serialized.event(event, args.values()), now()));
      socket.onAnyOutgoing((event, args) -> emit("event_sent", nsp, socket.id(),
          Serialized.event(event, List.of(args)), now()));
    }
    socket.onDisconnect(reason -> emit("socket_disconnected", nsp, socket.id(), reason.text(), now()));
  }

  private void emit(String event, Object... args) {
    if (!closed) {
      admin.emit(event, args);
    }
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  // ---- statistics ----

  private void emitStats() {
    try {
      List<Map<String, Object>> namespaces = new ArrayList<>();
      Set<String> pollingClients = new HashSet<>();
      for (Namespace namespace : io.namespaces()) {
        Map<String, Socket> sockets = namespace.sockets();
        namespaces.add(Map.of("name", namespace.name(), "socketsCount", sockets.size()));
        for (Socket socket : sockets.values()) {
          String transport = socket.transport();
          if ("polling".equals(transport)) {
            pollingClients.add(socket.clientId());
          }
          noticeUpgrade(namespace, socket, transport);
        }
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("serverId", options.serverId());
      stats.put("hostname", hostname);
      stats.put("pid", pid);
      stats.put("uptime", (System.currentTimeMillis() - started.toEpochMilli()) / 1000.0);
      stats.put("clientsCount", io.clientsCount());
      stats.put("pollingClientsCount", pollingClients.size());
      stats.put("aggregatedEvents", events.drain());
      stats.put("namespaces", namespaces);
      emit("server_stats", stats);
    } catch (RuntimeException e) {
      log.warn("Admin UI: statistics failed", e);
    }
  }

  /** A socket whose transport changed since the UI last heard: tell it, as Node does on the upgrade event. */
  private void noticeUpgrade(Namespace namespace, Socket socket, String transport) {
    if (options.mode() != Mode.DEVELOPMENT) {
      return;
    }
    Object known = socket.data().get(Serialized.ADMIN_KEY);
    if (known instanceof Map<?, ?> entry && !transport.equals(entry.get("transport"))) {
      socket.data().put(Serialized.ADMIN_KEY, Serialized.adminData(socket));
      Map<String, Object> update = Map.of("id", socket.id(), "nsp", namespace.name(), "transport", transport);
      emit("socket_updated", update);
    }
  }

  /** Stops the statistics and the watching; the admin namespace refuses new logins. The UI's sockets stay. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stats.shutdownNow();
    logins.shutdownNow();
    io.metrics().remove(events);
    io.offNewNamespace(onNewNamespace);
    admin.offConnection(onAdminConnection);
    watched.forEach((namespace, watch) -> {
      namespace.offConnection(watch.onConnection());
      namespace.offJoinRoom(watch.onJoin());
      namespace.offLeaveRoom(watch.onLeave());
    });
    watched.clear();
  }
}
