package dev.notify.examples;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.server.EngineOptions;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.protocol.EngineEncoder;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.netty.NotifyNetty;
import dev.notify.redis.RedisAdapter;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The server the public Socket.IO and Engine.IO compliance suites ({@code test-suite/} of
 * socketio/socket.io-protocol and socketio/engine.io-protocol) expect on port 3000, plus the events notify's own
 * interop tests use.
 *
 * <pre>
 * ./examples/conformance-server --port 3000 [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
 *     [--transport tyrus|netty]
 * </pre>
 *
 * Socket.IO on {@code /socket.io/} (namespaces {@code /} and {@code /custom}), a bare Engine.IO echo on
 * {@code /engine.io/}; heartbeat 300/200 ms, maxPayload 1e6, connectTimeout 1 s, any origin. Prints
 * {@code listening on <port>} when ready; stops cleanly on SIGTERM.
 */
public final class ConformanceServer implements AutoCloseable {

  public static void main(String[] args) throws InterruptedException {
    int port = 3000;
    String host = "127.0.0.1";
    String redis = null;
    HttpTransport transport = HttpTransport.TYRUS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--host" -> host = value(args, ++i, "--host");
        case "--redis" -> redis = value(args, ++i, "--redis");
        case "--transport" -> transport = HttpTransport.parse(value(args, ++i, "--transport"));
        default -> {
          System.err.println("usage: conformance-server [--port 3000] [--host 127.0.0.1] [--redis URL]"
              + " [--transport tyrus|netty]");
          System.exit(2);
        }
      }
    }
    ConformanceServer server = start(host, port, Timing.COMPLIANCE, redis, transport);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("listening on " + server.port());
    System.out.flush();
    stopped.await();
  }

  private final NotifyServer io;
  private final EngineServer echo;
  private final ScheduledExecutorService scheduler;
  private final HttpTransport.Running http;

  private ConformanceServer(NotifyServer io, EngineServer echo, ScheduledExecutorService scheduler,
      HttpTransport.Running http) {
    this.io = io;
    this.echo = echo;
    this.scheduler = scheduler;
    this.http = http;
  }

  /** Starts the server on {@code host:port} (0 picks a free port), with the compliance suites' timing. */
  public static ConformanceServer start(String host, int port) {
    return start(host, port, Timing.COMPLIANCE, null);
  }

  /**
   * Starts the server on {@code host:port} (0 picks a free port) with another heartbeat and connect timeout. Tests
   * on a loaded machine use longer ones than {@link Timing#COMPLIANCE}, whose 200 ms pong window a CPU-starved
   * client or server can miss.
   */
  public static ConformanceServer start(String host, int port, Timing timing) {
    return start(host, port, timing, null);
  }

  /**
   * Starts the server on {@code host:port} (0 picks a free port), in a cluster through the Redis at
   * {@code redisUrl} (classic mode, as Node's redis adapter).
   */
  public static ConformanceServer start(String host, int port, String redisUrl) {
    return start(host, port, Timing.COMPLIANCE, redisUrl);
  }

  /** Starts the server with this timing, in a cluster through {@code redisUrl} unless it is {@code null}. */
  public static ConformanceServer start(String host, int port, Timing timing, String redisUrl) {
    return start(host, port, timing, redisUrl, HttpTransport.TYRUS);
  }

  /**
   * Starts the server with this timing, in a cluster through {@code redisUrl} unless it is {@code null}, served by
   * {@code transport}.
   */
  public static ConformanceServer start(String host, int port, Timing timing, String redisUrl,
      HttpTransport transport) {
    NotifyServer.Builder builder = NotifyServer.builder()
        .pingInterval(timing.pingInterval())
        .pingTimeout(timing.pingTimeout())
        .maxPayload(1_000_000)
        .connectTimeout(timing.connectTimeout())
        .allowedOrigins("*");
    if (redisUrl != null) {
      builder.adapter(RedisAdapter.factory(redisUrl));
    }
    NotifyServer io = builder.build();
    configure(io);
    if (redisUrl != null) {
      // accept no client before the cluster subscriptions are in place
      io.of("/").ready().orTimeout(30, TimeUnit.SECONDS).join();
      io.of("/custom").ready().orTimeout(30, TimeUnit.SECONDS).join();
    }

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "engine-echo-scheduler");
      thread.setDaemon(true);
      return thread;
    });
    EngineServer echo = new EngineServer(EngineOptions.builder()
        .path("/engine.io/")
        .pingInterval(timing.pingInterval())
        .pingTimeout(timing.pingTimeout())
        .maxPayload(1_000_000)
        .allowedOrigins("*")
        .build(), scheduler, session -> new Echo());
    HttpTransport.Running http = transport.start(host, port, io, echo);
    return new ConformanceServer(io, echo, scheduler, http);
  }

  /** What serves the two servers over HTTP and WebSocket. */
  public enum HttpTransport {
    /** {@link NotifyStandalone}: Tyrus on Grizzly. */
    TYRUS {
      @Override
      Running start(String host, int port, NotifyServer io, EngineServer echo) {
        NotifyStandalone http = NotifyStandalone.builder().host(host).port(port).add(io).add(echo).start();
        return new Running(http::port, http::close);
      }
    },
    /** {@link NotifyNetty}. */
    NETTY {
      @Override
      Running start(String host, int port, NotifyServer io, EngineServer echo) {
        NotifyNetty http = NotifyNetty.builder().host(host).port(port).add(io).add(echo).start();
        return new Running(http::port, http::close);
      }
    };

    /** The listening server: its port, and how to stop it. */
    record Running(IntSupplier port, Runnable close) {
    }

    abstract Running start(String host, int port, NotifyServer io, EngineServer echo);

    static HttpTransport parse(String name) {
      for (HttpTransport transport : values()) {
        if (transport.name().equalsIgnoreCase(name)) {
          return transport;
        }
      }
      System.err.println("--transport must be tyrus or netty, was " + name);
      System.exit(2);
      throw new AssertionError("unreachable");
    }
  }

  /** The heartbeat (both servers) and the Socket.IO connect timeout. */
  public record Timing(Duration pingInterval, Duration pingTimeout, Duration connectTimeout) {
    /** What the compliance suites expect: heartbeat 300/200 ms, connect timeout 1 s. */
    public static final Timing COMPLIANCE =
        new Timing(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(1000));
  }

  /** The port it listens on. */
  public int port() {
    return http.port().getAsInt();
  }

  /** The Socket.IO server, for tests that look inside. */
  public NotifyServer io() {
    return io;
  }

  /** Closes the connections (clients see "transport close"), then stops listening. */
  @Override
  public void close() {
    io.close();
    echo.close();
    http.close().run();
    scheduler.shutdownNow();
  }

  /** The handlers both namespaces share, and the room events of the main one. */
  static void configure(NotifyServer io) {
    for (String name : new String[] {"/", "/custom"}) {
      io.of(name).onConnection(socket -> {
        socket.emit("auth", socket.handshake().auth());
        socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
        socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
      });
    }
    io.onConnection(socket -> {
      String userId = socket.handshake().auth().path("userId").asText(null);
      if (userId != null) {
        socket.join("user:" + userId);
      }
      socket.on("join", (args, ack) -> {
        socket.join(args.getString(0));
        ack.send(sortedRooms(socket));
      });
      socket.on("leave", (args, ack) -> {
        socket.leave(args.getString(0));
        ack.send(sortedRooms(socket));
      });
      socket.on("to-room", (args, ack) -> {
        Object[] rest = Arrays.copyOfRange(args.toArray(), 1, args.size());
        io.to(args.getString(0)).emit("room-message", rest);
      });
      socket.on("whoami", (args, ack) -> ack.send(socket.id()));
    });
  }

  private static Object sortedRooms(Socket socket) {
    return new TreeSet<>(socket.rooms());
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  /** A bare Engine.IO session that sends back every message it receives. */
  private static final class Echo implements EngineSession.Listener {
    @Override
    public void onMessage(EngineSession session, String text) {
      session.send(EngineEncoder.message(text));
    }

    @Override
    public void onMessage(EngineSession session, byte[] data) {
      session.send(EngineEncoder.message(data));
    }

    @Override
    public void onClose(EngineSession session, CloseReason reason) {
    }
  }
}
