package dev.notify.netty;

import dev.notify.core.internal.StandaloneChecks;
import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.server.NotifyServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs notify on Netty, without an application server: Socket.IO over WebSocket and HTTP long-polling (with the
 * upgrade) on one port, optionally over TLS. The leanest way to serve many connections: a broadcast's text frame
 * is encoded to UTF-8 once and the same bytes are written to every target, and a client that stops reading is
 * detected in bytes, by the channel's write buffer (see {@link Builder#writeBufferWaterMark}).
 *
 * <pre>{@code
 * NotifyNetty http = NotifyNetty.builder().port(3000).add(io).start();                  // loopback only
 * NotifyNetty https = NotifyNetty.builder().host("0.0.0.0").port(443).add(io)
 *     .sslContext(SslContextBuilder.forServer(certChain, key).build()).start();         // every interface, TLS
 * ...
 * io.close();
 * http.close();
 * }</pre>
 *
 * Each added server answers on its own path ({@code /socket.io/} by default) with its own origin rules and limits;
 * a WebSocket message or a {@code POST} body over its {@code maxPayload} is refused before more than
 * {@code maxPayload} bytes of it are held. Uses the native epoll transport on Linux x86_64, NIO elsewhere. I/O runs
 * on Netty's event loops, which never run application code: handlers run on each server's executor.
 *
 * <p>Thread-safe.
 */
public final class NotifyNetty implements AutoCloseable {

  /** Defaults to 30 s: how long a connection may take to send a request's head (line and headers). */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(30);
  /** Defaults to 10 s: how long a request's body may take once its head arrived. */
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(10);
  /** Defaults to 32 KB: a connection that was not writable is writable again once this little waits in its buffer. */
  public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 32 * 1024;
  /** Defaults to 64 KB: past this much waiting to be written, a connection is not writable (its client is slow). */
  public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 64 * 1024;
  /** Defaults to 30 s: a connection not writable for this long is closed. */
  public static final Duration DEFAULT_UNWRITABLE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * Defaults to 0: one event loop per core. Not Netty's twice the cores: these loops never run application code, so
   * more loops than cores only adds wake-ups (a broadcast wakes every loop that holds one of its targets).
   */
  public static final int DEFAULT_IO_THREADS = 0;

  private static final Logger log = LoggerFactory.getLogger(NotifyNetty.class);
  /** How long {@link #close()} lets the event loops finish what is queued (close frames, last responses). */
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

  private final Channel server;
  private final ChannelGroup channels;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final List<EngineServer> engines;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NotifyNetty(Channel server, ChannelGroup channels, EventLoopGroup boss, EventLoopGroup workers,
      List<EngineServer> engines) {
    this.server = server;
    this.channels = channels;
    this.boss = boss;
    this.workers = workers;
    this.engines = engines;
  }

  /** Serves {@code io} at {@code port} on the loopback interface (127.0.0.1); see {@link Builder#host}. */
  public static NotifyNetty start(NotifyServer io, int port) {
    return builder().add(io).port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on (the one the system picked when built with port 0). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The open connections, HTTP and WebSocket; for tests that look at a connection's write buffer. */
  ChannelGroup channels() {
    return channels;
  }

  /**
   * Stops listening, closes every session of the servers it serves (clients see {@code transport close} and
   * reconnect, to another node in a cluster), then shuts the event loops down once what they hold is written, for
   * at most 5 s. Idempotent; blocks until done.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.close().syncUninterruptibly();
    for (EngineServer engine : engines) {
      for (EngineSession session : engine.openSessions()) {
        session.close(CloseReason.SERVER_SHUTTING_DOWN, null);
      }
    }
    channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
    boss.terminationFuture().syncUninterruptibly();
    log.info("stopped listening on port {}", port());
  }

  /** Chooses the address, what to serve, TLS and the per-connection limits. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 3000;
    private final List<EngineServer> engines = new ArrayList<>();
    private final List<NotifyServer> servers = new ArrayList<>();
    private String healthPath;
    private SslContext sslContext;
    private int lowWaterMark = DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;
    private int highWaterMark = DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;
    private Duration unwritableTimeout = DEFAULT_UNWRITABLE_TIMEOUT;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private Duration requestBodyTimeout = DEFAULT_REQUEST_BODY_TIMEOUT;
    private int ioThreads = DEFAULT_IO_THREADS;

    private Builder() {
    }

    /**
     * The address to bind. Defaults to {@code 127.0.0.1}: only this machine can connect, as when a reverse proxy
     * on the same host faces the clients. {@code "0.0.0.0"} (or {@code "::"}) accepts every interface.
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank, was '" + host + "'");
      }
      this.host = host;
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

    /** Serves HTTPS and {@code wss://} with this server context. Defaults to none: plain HTTP and {@code ws://}. */
    public Builder sslContext(SslContext sslContext) {
      Objects.requireNonNull(sslContext, "sslContext");
      if (sslContext.isClient()) {
        throw new IllegalArgumentException("sslContext must be a server context, was a client context");
      }
      this.sslContext = sslContext;
      return this;
    }

    /**
     * The write buffer bounds of each connection, in bytes: once more than {@code highBytes} wait to be written the
     * connection is not writable, and it becomes writable again when at most {@code lowBytes} wait. While it is not
     * writable nothing more is handed to it: its session queues the frames within its own bounds ({@code
     * maxBufferedPackets}, {@code maxBufferedBytes}, volatile packets dropped) and closes the connection past them.
     * So the memory a client that stops reading costs is about {@code highBytes} plus its session's bounds.
     * {@code 0 < lowBytes <= highBytes}. Defaults to {@link #DEFAULT_WRITE_BUFFER_LOW_WATER_MARK} and {@link
     * #DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK}.
     */
    public Builder writeBufferWaterMark(int lowBytes, int highBytes) {
      if (lowBytes <= 0 || highBytes < lowBytes) {
        throw new IllegalArgumentException("writeBufferWaterMark must have 0 < lowBytes <= highBytes, was lowBytes="
            + lowBytes + ", highBytes=" + highBytes);
      }
      this.lowWaterMark = lowBytes;
      this.highWaterMark = highBytes;
      return this;
    }

    /**
     * How long a connection may stay not writable (see {@link #writeBufferWaterMark}) before it is closed as too
     * slow, with a logged reason; &gt; 0. Defaults to {@link #DEFAULT_UNWRITABLE_TIMEOUT}.
     */
    public Builder unwritableTimeout(Duration timeout) {
      this.unwritableTimeout = StandaloneChecks.positive("unwritableTimeout", timeout);
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

    /**
     * How long a request's body may take once its head arrived; &gt; 0. Defaults to {@link
     * #DEFAULT_REQUEST_BODY_TIMEOUT}.
     */
    public Builder requestBodyTimeout(Duration timeout) {
      this.requestBodyTimeout = StandaloneChecks.positive("requestBodyTimeout", timeout);
      return this;
    }

    /**
     * The event loop threads serving connections; &gt;= 0, 0 for one per core
     * ({@code Runtime.availableProcessors()}). Defaults to {@link #DEFAULT_IO_THREADS}.
     */
    public Builder ioThreads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("ioThreads must be >= 0, was " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalStateException when nothing was added or two servers share a path
     */
    public NotifyNetty start() {
      if (engines.isEmpty()) {
        throw new IllegalStateException("nothing to serve: add a NotifyServer or an EngineServer");
      }
      Set<String> paths = new HashSet<>();
      for (EngineServer engine : engines) {
        if (!paths.add(engine.options().path())) {
          throw new IllegalStateException("two servers share the path " + engine.options().path());
        }
        StandaloneChecks.healthPathOutside(healthPath, engine);
      }
      boolean epoll = Epoll.isAvailable();
      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
          : NioServerSocketChannel.class;
      EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("notify-netty-accept", true),
          io);
      EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
          ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors(),
          new DefaultThreadFactory("notify-netty-io", true), io);
      ChannelGroup channels = new DefaultChannelGroup("notify-netty", GlobalEventExecutor.INSTANCE);
      Routes routes = new Routes(engines);
      ConnectionSettings settings = new ConnectionSettings(sslContext, requestHeadTimeout, requestBodyTimeout,
          unwritableTimeout, healthPath == null ? null : new HealthEndpoint(healthPath, servers));
      ServerBootstrap bootstrap = new ServerBootstrap()
          .group(boss, workers)
          .channel(channelType)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(lowWaterMark, highWaterMark))
          .childHandler(new ConnectionSetup(routes, settings, channels));
      ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        Throwable cause = bound.cause();
        String message = "cannot listen on " + host + ":" + port + ": " + cause.getMessage();
        throw cause instanceof IOException e ? new UncheckedIOException(message, e)
            : new IllegalStateException(message, cause);
      }
      Channel server = bound.channel();
      log.info("listening on {}:{} ({}, {}){}", host, ((InetSocketAddress) server.localAddress()).getPort(),
          epoll ? "epoll" : "nio", sslContext != null ? "TLS" : "plain", isLoopback(host)
              ? " (loopback only: builder().host(\"0.0.0.0\") accepts other machines)" : "");
      return new NotifyNetty(server, channels, boss, workers, List.copyOf(engines));
    }

    private static boolean isLoopback(String host) {
      return host.startsWith("127.") || host.equals("::1") || host.equals("localhost");
    }
  }
}
