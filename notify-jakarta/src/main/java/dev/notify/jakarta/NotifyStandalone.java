package dev.notify.jakarta;

import dev.notify.core.internal.StandaloneChecks;
import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.polling.PollingHandler;
import dev.notify.core.server.NotifyServer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.StaticHttpHandler;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs notify without an application server, on Tyrus and Grizzly: WebSocket and HTTP long-polling on one port (add {@code tyrus-server} and
 * {@code tyrus-container-grizzly-server} to your dependencies):
 *
 * <pre>{@code
 * NotifyStandalone http = NotifyStandalone.start(io, 3000);                          // loopback only
 * NotifyStandalone http = NotifyStandalone.builder().host("0.0.0.0").port(3000).add(io).start();   // every interface
 * ...
 * io.close();
 * http.close();
 * }</pre>
 *
 * Binds exactly the host it is given (Tyrus's own {@code Server} always binds every interface). An HTTP request
 * must arrive within {@link Builder#requestHeadTimeout} and its body within {@link Builder#requestBodyTimeout}, a
 * WebSocket frame over the largest {@code maxPayload} closes its connection (1009) before it is buffered, and
 * HTTP requests run on a bounded pool ({@link Builder#httpWorkerThreads}) that never waits for a client's bytes.
 * Thread-safe.
 */
public final class NotifyStandalone implements AutoCloseable {

  /** Defaults to 30 s: how long a connection may take to send a request's head (line and headers). */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(30);
  /** Defaults to 10 s: how long a request's body may take once its head arrived. */
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(10);
  /** Defaults to max(8, 4 × cores): threads serving HTTP requests. */
  public static final int DEFAULT_HTTP_WORKER_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

  private static final Logger log = LoggerFactory.getLogger(NotifyStandalone.class);
  /** The most bytes Grizzly reads from a connection at once: the WebSocket engine's buffer is sized with it. */
  private static final int READ_BUFFER_SIZE = 64 * 1024;
  /** HTTP requests waiting for a worker thread; past it Grizzly refuses them. */
  private static final int HTTP_QUEUE_LIMIT = 10_000;

  private final HttpServer http;
  private final TyrusServerContainer container;
  private final NetworkListener listener;
  private final ScheduledExecutorService sweeper;

  private NotifyStandalone(HttpServer http, TyrusServerContainer container, NetworkListener listener,
      ScheduledExecutorService sweeper) {
    this.http = http;
    this.container = container;
    this.listener = listener;
    this.sweeper = sweeper;
  }

  /** Serves {@code io} at {@code port} on the loopback interface (127.0.0.1); see {@link Builder#host}. */
  public static NotifyStandalone start(NotifyServer io, int port) {
    return builder().add(io).port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on (the one the system picked when built with port 0). */
  public int port() {
    return listener.getPort();
  }

  /** Stops listening and drops every connection. Close the {@link NotifyServer} first for a clean goodbye. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    container.stop();
    http.shutdownNow();
  }

  /** Chooses the address, what to serve and the HTTP limits. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 3000;
    private final List<EngineServer> engines = new ArrayList<>();
    private final List<NotifyServer> servers = new ArrayList<>();
    private String healthPath;
    private String adminUiPath;
    private Path adminUiFiles;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private Duration requestBodyTimeout = DEFAULT_REQUEST_BODY_TIMEOUT;
    private int httpWorkerThreads = DEFAULT_HTTP_WORKER_THREADS;

    private Builder() {
    }

    /**
     * The address to bind. Defaults to {@code 127.0.0.1}: only this machine can connect, as when a reverse proxy
     * on the same host faces the clients. {@code "0.0.0.0"} (or {@code "::"}) accepts every interface.
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * How long a connection may take to send a request's head, from its opening or from the previous response
     * (so an idle keep-alive connection is closed after it too); &gt; 0. Slow clients that trickle headers
     * ("slowloris") are closed after it. Defaults to {@link #DEFAULT_REQUEST_HEAD_TIMEOUT}.
     */
    public Builder requestHeadTimeout(Duration timeout) {
      this.requestHeadTimeout = StandaloneChecks.positive("requestHeadTimeout", timeout);
      return this;
    }

    /** How long a request's body may take once its head arrived; &gt; 0. Defaults to {@link #DEFAULT_REQUEST_BODY_TIMEOUT}. */
    public Builder requestBodyTimeout(Duration timeout) {
      this.requestBodyTimeout = StandaloneChecks.positive("requestBodyTimeout", timeout);
      return this;
    }

    /**
     * The threads serving HTTP requests (long-polling); &gt; 0. They never wait for a client's bytes (bodies are
     * read as they arrive), only for a slow client's writes, up to the write timeout. Defaults to
     * {@link #DEFAULT_HTTP_WORKER_THREADS}.
     */
    public Builder httpWorkerThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("httpWorkerThreads must be > 0, was " + threads);
      }
      this.httpWorkerThreads = threads;
      return this;
    }

    /**
     * Serves the official Socket.IO Admin UI's static files (the {@code ui/dist} folder of the npm package
     * {@code @socket.io/admin-ui}, e.g. {@code node_modules/@socket.io/admin-ui/ui/dist}) at {@code path}, so the UI
     * and the servers share an origin; give the servers notify-admin's {@code AdminUi}. Off by default.
     *
     * @param path starts and ends with {@code /}, such as {@code /admin-ui/}
     * @throws IllegalArgumentException when the folder holds no {@code index.html}
     */
    public Builder adminUi(String path, Path uiDist) {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(uiDist, "uiDist");
      if (!path.startsWith("/") || !path.endsWith("/") || path.length() < 3 || path.contains("*")) {
        throw new IllegalArgumentException("adminUi path must start and end with '/', was '" + path + "'");
      }
      if (!Files.isRegularFile(uiDist.resolve("index.html"))) {
        throw new IllegalArgumentException("no index.html in " + uiDist.toAbsolutePath()
            + ": give the ui/dist folder of the npm package @socket.io/admin-ui");
      }
      this.adminUiPath = path;
      this.adminUiFiles = uiDist;
      return this;
    }

    /** The port; 0 lets the system pick. Defaults to 3000. */
    public Builder port(int port) {
      this.port = StandaloneChecks.port(port);
      return this;
    }

    /** Serves a Socket.IO server on its path. */
    public Builder add(NotifyServer io) {
      servers.add(Objects.requireNonNull(io, "io"));
      return add(Transports.engine(io));
    }

    /**
     * Serves {@link NotifyServer#health()} at {@code path} for a balancer's probes: {@code GET <path>} and
     * {@code <path>/ready} answer 200 when ready, {@code <path>/live} 200 when live, 503 otherwise, with the health
     * as JSON (no secrets: states and counts). Off by default; must start with {@code /} and not be under a
     * server's Socket.IO path.
     */
    public Builder healthPath(String path) {
      this.healthPath = StandaloneChecks.healthPath(path);
      return this;
    }

    /**
     * Serves a bare Engine.IO server on its path. {@code EngineServer} is internal (the Engine.IO compliance
     * server uses it); this overload may change without notice.
     */
    public Builder add(EngineServer engine) {
      engines.add(Objects.requireNonNull(engine, "engine"));
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalStateException when nothing was added or two servers share a path
     */
    public NotifyStandalone start() {
      if (engines.isEmpty()) {
        throw new IllegalStateException("nothing to serve: add a NotifyServer or an EngineServer");
      }
      int maxPayload = engines.stream().mapToInt(e -> e.options().maxPayload()).max().getAsInt();
      Container container = new Container(maxPayload);
      try {
        for (EngineServer engine : engines) {
          container.register(NotifyEndpoint.config(engine));
        }
      } catch (DeploymentException e) {
        throw new IllegalStateException("cannot deploy the endpoints: " + e.getMessage(), e);
      }
      HttpServer http = new HttpServer();
      if (healthPath != null) {
        for (EngineServer engine : engines) {
          StandaloneChecks.healthPathOutside(healthPath, engine);
        }
        http.getServerConfiguration().addHttpHandler(new GrizzlyHealth(healthPath, servers),
            HttpHandlerRegistration.builder().contextPath("").urlPattern(healthPath).build(),
            HttpHandlerRegistration.builder().contextPath("").urlPattern(healthPath + "/*").build());
      }
      if (adminUiPath != null) {
        StaticHttpHandler files = new StaticHttpHandler(adminUiFiles.toAbsolutePath().toString());
        files.setFileCacheEnabled(false);
        http.getServerConfiguration().addHttpHandler(files, HttpHandlerRegistration.builder()
            .contextPath(adminUiPath.substring(0, adminUiPath.length() - 1)).urlPattern("/*").build());
      }
      for (EngineServer engine : engines) {
        http.getServerConfiguration().addHttpHandler(new GrizzlyPolling(new PollingHandler(engine)),
            HttpHandlerRegistration.builder().contextPath("").urlPattern(engine.options().path() + "*").build());
      }
      NetworkListener listener = new NetworkListener("notify", host, port);
      // WebSocket frames are read on the selector threads: notify only decodes and hands them off, so a hop to a
      // worker thread per frame would cost a context switch for nothing. HTTP requests (polling, whose POST bodies
      // are read blocking) still run on the worker pool: Grizzly's HttpHandler moves them off selector threads.
      listener.getTransport().setIOStrategy(SameThreadIOStrategy.getInstance());
      listener.getTransport().setReadBufferSize(READ_BUFFER_SIZE);
      listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig().copy()
          .setPoolName("notify-http").setCorePoolSize(Math.min(4, httpWorkerThreads))
          .setMaxPoolSize(httpWorkerThreads).setQueueLimit(HTTP_QUEUE_LIMIT));
      // the guard closes idle and slow connections itself, and only HTTP ones (see dropIdleTimeoutFilter)
      listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
      listener.registerAddOn(new WebSocketAddOn(container, ""));
      ConnectionGuard guard = new ConnectionGuard(requestHeadTimeout, requestBodyTimeout, maxPayload);
      listener.registerAddOn(guard.addOn());
      http.addListener(listener);
      ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "notify-http-deadlines");
        thread.setDaemon(true);
        return thread;
      });
      try {
        http.start();
        dropIdleTimeoutFilter(listener);
        container.start("", listener.getPort());
      } catch (IOException e) {
        sweeper.shutdownNow();
        http.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      } catch (DeploymentException e) {
        sweeper.shutdownNow();
        http.shutdownNow();
        throw new IllegalStateException("cannot start the WebSocket container: " + e.getMessage(), e);
      }
      sweeper.scheduleWithFixedDelay(guard::sweep, 1, 1, TimeUnit.SECONDS);
      log.info("listening on {}:{}{}", host, listener.getPort(), isLoopback(host)
          ? " (loopback only: builder().host(\"0.0.0.0\") accepts other machines)" : "");
      return new NotifyStandalone(http, container, listener, sweeper);
    }
  }

  /**
   * Takes Grizzly's idle-timeout filter out of the listener's chain. The keep-alive idle timeout is off (-1, set
   * above: Engine.IO's heartbeat finds dead peers), so the filter never closes anything, yet it still tracks every
   * connection: its timer thread visits each one every second and every write updates its timestamp. Measured
   * with notify-bench: about 12 % of the server's CPU samples in a fan-out to a 10k room, about 1 % of a core
   * per 10k idle connections.
   */
  private static void dropIdleTimeoutFilter(NetworkListener listener) {
    org.glassfish.grizzly.filterchain.FilterChain chain = listener.getFilterChain();
    int index = chain.indexOfType(org.glassfish.grizzly.utils.IdleTimeoutFilter.class);
    if (index >= 0) {
      chain.remove(index);
    }
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || host.equals("::1") || host.equals("localhost");
  }

  /** A Tyrus container whose engine Grizzly's WebSocket add-on feeds. */
  private static final class Container extends TyrusServerContainer {
    private final WebSocketEngine engine;

    Container(int maxPayload) {
      super((java.util.Set<Class<?>>) null);
      // Tyrus keeps the unparsed rest of what it read (less than one frame, and the guard lets no frame over
      // maxPayload through) and appends the next read to it: its buffer must hold both, or a client whose messages
      // arrive back to back is closed with "Buffer overflow"
      this.engine = TyrusWebSocketEngine.builder(this)
          .incomingBufferSize(maxPayload + 4 * READ_BUFFER_SIZE).build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
      ((TyrusWebSocketEngine) engine).register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig config) throws DeploymentException {
      ((TyrusWebSocketEngine) engine).register(config, "");
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
      return engine;
    }

    @Override
    public java.util.Map<String, Object> getProperties() {
      return java.util.Map.of();
    }
  }
}
