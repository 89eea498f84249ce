package dev.notify.core.internal.engine;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.LogLimiter;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.internal.protocol.EngineEncoder;
import dev.notify.core.server.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine.IO server: checks requests, opens sessions, finds them by id, closes them all at shutdown. It holds
 * no sockets itself; transports (a WebSocket endpoint, a polling servlet) call it. Socket.IO's {@code io.engine}.
 *
 * <p>Thread-safe.
 */
public final class EngineServer {

  /** Gives each new session its listener. Called on the transport thread that opened it; must not block. */
  @FunctionalInterface
  public interface ConnectionHandler {
    EngineSession.Listener onConnection(EngineSession session);
  }

  /**
   * A handshake refused for the load it would add, not for anything wrong with it: transports answer HTTP 503
   * with {@code Retry-After: retryAfterSeconds}, or close a WebSocket with 1013 ("try again later").
   */
  public record Busy(String reason, long retryAfterSeconds) {
  }

  private static final Logger log = LoggerFactory.getLogger(EngineServer.class);
  /** When a node is full, how long clients are told to wait: it cannot know when a session will end. */
  private static final long FULL_RETRY_AFTER_SECONDS = 5;
  /** A draining node will not take the client back: it should try another one (a balancer's) at once. */
  private static final long DRAINING_RETRY_AFTER_SECONDS = 1;

  private final EngineOptions options;
  private final NotifyMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final ConnectionHandler handler;
  private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
  /** Clients that broke the protocol or a limit, handshakes refused: at most 20 WARN lines of each per 10 s. */
  private final LogLimiter warnings = new LogLimiter(20, 10_000);
  private volatile boolean closed;
  private volatile boolean draining;
  /** Sessions per client address, kept only with maxConnectionsPerAddress. */
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
  /** The handshake bucket, in nanoseconds of refill; guarded by itself. */
  private final long[] handshakeCredit = new long[2];

  /**
   * @param scheduler runs heartbeats and upgrade timeouts; owned by the caller
   * @param handler gives each new session its listener
   */
  public EngineServer(EngineOptions options, ScheduledExecutorService scheduler, ConnectionHandler handler) {
    this(options, scheduler, handler, NotifyMetrics.NONE);
  }

  public EngineServer(EngineOptions options, ScheduledExecutorService scheduler, ConnectionHandler handler,
      NotifyMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.options = Objects.requireNonNull(options, "options");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.handler = Objects.requireNonNull(handler, "handler");
    if (options.handshakesPerSecond() > 0) {
      handshakeCredit[0] = TimeUnit.SECONDS.toNanos(1);
      handshakeCredit[1] = System.nanoTime();
    }
  }

  public EngineOptions options() {
    return options;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  NotifyMetrics metrics() {
    return metrics;
  }

  LogLimiter warnings() {
    return warnings;
  }

  /**
   * Checks a request against the spec before a transport serves it.
   *
   * @param method the HTTP method ({@code GET} for a WebSocket upgrade)
   * @param upgrade whether the request is a WebSocket upgrade
   * @return the error to answer with, or {@code null} when the request may proceed
   */
  public RequestError check(EngineRequest request, String method, boolean upgrade) {
    RequestError error = refusal(request, method, upgrade);
    if (error != null) {
      metrics.requestRefused(error.name().toLowerCase(Locale.ROOT));
    }
    return error;
  }

  private RequestError refusal(EngineRequest request, String method, boolean upgrade) {
    String transport = request.query("transport");
    if (transport == null || !options.transports().contains(transport)) {
      return RequestError.UNKNOWN_TRANSPORT;
    }
    if (!options.isOriginAllowed(request.header("origin"), request.header("host"))) {
      return RequestError.FORBIDDEN;
    }
    String sid = request.query("sid");
    if (sid != null) {
      EngineSession session = sessions.get(sid);
      if (session == null) {
        return RequestError.UNKNOWN_SID;
      }
      if (!upgrade && !transport.equals(session.transportName())) {
        return RequestError.BAD_REQUEST;
      }
      return null;
    }
    if (!"4".equals(request.query("EIO"))) {
      return RequestError.UNSUPPORTED_PROTOCOL_VERSION;
    }
    if (!"GET".equals(method)) {
      return RequestError.BAD_HANDSHAKE_METHOD;
    }
    if ("websocket".equals(transport) != upgrade) {
      return RequestError.BAD_REQUEST;
    }
    return null;
  }

  /**
   * Whether a handshake that passed {@link #check} may open a session now, given {@link
   * EngineOptions#maxConnections()}, {@link EngineOptions#maxConnectionsPerAddress()} and {@link
   * EngineOptions#handshakesPerSecond()}. Takes a handshake token when admitted: call {@link #open} next.
   *
   * @return {@code null} when admitted, else why not and when to retry
   */
  public Busy admit(EngineRequest request) {
    Busy busy = null;
    if (draining) {
      busy = new Busy("server draining", DRAINING_RETRY_AFTER_SECONDS);
    } else if (sessions.size() >= options.maxConnections()) {
      busy = new Busy("server full: " + options.maxConnections() + " connections", FULL_RETRY_AFTER_SECONDS);
    } else if (options.maxConnectionsPerAddress() != Integer.MAX_VALUE) {
      String address = clientAddress(request);
      if (perAddress.getOrDefault(address, 0) >= options.maxConnectionsPerAddress()) {
        busy = new Busy("too many connections from " + address + ": " + options.maxConnectionsPerAddress(),
            FULL_RETRY_AFTER_SECONDS);
      }
    }
    if (busy == null && options.handshakesPerSecond() > 0) {
      long waitNanos = takeHandshakeToken();
      if (waitNanos > 0) {
        busy = new Busy("more than " + options.handshakesPerSecond() + " handshakes per second",
            Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1)));
      }
    }
    if (draining) {
      // expected while the clients move: no warning
      metrics.requestRefused("draining");
      log.atDebug().addKeyValue(LogKeys.REMOTE, request.remoteAddress()).log("handshake refused: {}", busy.reason());
    } else if (busy != null) {
      metrics.requestRefused("busy");
      warnings.atWarn(log, "busy").addKeyValue(LogKeys.REMOTE, request.remoteAddress())
          .log("handshake refused: {} (retry after {} s)", busy.reason(), busy.retryAfterSeconds());
    }
    return busy;
  }

  /** @return 0 when a token was taken, else the nanoseconds until one is back */
  private long takeHandshakeToken() {
    long cost = TimeUnit.SECONDS.toNanos(1) / options.handshakesPerSecond();
    long full = TimeUnit.SECONDS.toNanos(1);
    synchronized (handshakeCredit) {
      long now = System.nanoTime();
      long credit = Math.min(full, handshakeCredit[0] + (now - handshakeCredit[1]));
      handshakeCredit[1] = now;
      if (credit >= cost) {
        handshakeCredit[0] = credit - cost;
        return 0;
      }
      handshakeCredit[0] = credit;
      return cost - credit;
    }
  }

  /** How many sessions are open from the client address of {@code request}; kept with maxConnectionsPerAddress. */
  int sessionsFrom(String address) {
    return perAddress.getOrDefault(address, 0);
  }

  /**
   * Opens a session on {@code transport}, whose request passed {@link #check}, and sends the {@code open} packet
   * through it. The transport calls {@link EngineSession#onDrain} when it can write.
   *
   * @return the session, or {@code null} when the server is closed
   */
  public EngineSession open(Transport transport, EngineRequest request) {
    if (closed) {
      return null;
    }
    EngineSession session = new EngineSession(this, SessionIds.next(), transport, request);
    sessions.put(session.id(), session);
    if (options.maxConnectionsPerAddress() != Integer.MAX_VALUE) {
      perAddress.merge(clientAddress(request), 1, Integer::sum);
    }
    metrics.connectionOpened(transport.name());
    log.atDebug().addKeyValue(LogKeys.SID, session.id()).addKeyValue(LogKeys.TRANSPORT, transport.name())
        .addKeyValue(LogKeys.REMOTE, request.remoteAddress()).log("session opened");
    session.send(EngineEncoder.open(session.id(), options.upgradesFrom(transport.name()),
        options.pingInterval().toMillis(), options.pingTimeout().toMillis(), options.maxPayload()));
    session.setListener(handler.onConnection(session));
    session.startHeartbeat();
    if (closed) {
      session.close(CloseReason.SERVER_SHUTTING_DOWN, null);
    }
    return session;
  }

  /** The open session with that id, or {@code null}. */
  public EngineSession session(String sid) {
    return sessions.get(sid);
  }

  /** How many sessions are open. */
  public int sessionCount() {
    return sessions.size();
  }

  /** The sessions open now. */
  public List<EngineSession> openSessions() {
    return new ArrayList<>(sessions.values());
  }

  /** From now on {@link #admit} refuses every handshake: the server is moving its clients to other nodes. */
  public void drain() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  void remove(EngineSession session) {
    if (sessions.remove(session.id(), session) && options.maxConnectionsPerAddress() != Integer.MAX_VALUE) {
      perAddress.computeIfPresent(clientAddress(session.request()), (address, n) -> n == 1 ? null : n - 1);
    }
  }

  /**
   * Closes every session's transport with {@link CloseReason#SERVER_SHUTTING_DOWN} and refuses new ones. Clients
   * see the transport close and reconnect, to another node in a cluster.
   */
  public void close() {
    closed = true;
    List<EngineSession> open = new ArrayList<>(sessions.values());
    for (EngineSession session : open) {
      session.close(CloseReason.SERVER_SHUTTING_DOWN, null);
    }
    if (!open.isEmpty()) {
      log.info("closed {} sessions: server shutting down", open.size());
    }
  }

  public boolean isClosed() {
    return closed;
  }

  private String clientAddress(EngineRequest request) {
    return options.clientAddress(request.remoteAddress(), request.header("x-forwarded-for"));
  }
}
