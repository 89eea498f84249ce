package dev.notify.bench.server;

import dev.notify.bench.inmem.InMemoryClients;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.netty.NotifyNetty;
import dev.notify.micrometer.MicrometerMetrics;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The notify server under test: {@link BenchHandlers} on a {@link NotifyServer} with Socket.IO's default
 * heartbeat (25 s / 20 s), served by one of the Jakarta WebSocket containers on 127.0.0.1.
 *
 * <pre>
 * java -cp ... dev.notify.bench.server.BenchServer [--container tyrus|jetty|tomcat|netty|inmem] [--port N]
 *     [--redis redis://127.0.0.1:6379] [--redis-key socket.io] [--max-payload BYTES]
 *     [--per-message-deflate on|off]
 * </pre>
 * With {@code --redis} the server joins a cluster through notify-redis's {@link RedisAdapter} (classic mode, as
 * Node's {@code @socket.io/redis-adapter}), on channels prefixed {@code --redis-key} (default {@code socket.io}).
 * {@code --per-message-deflate on} (without the option: the environment variable
 * {@code BENCH_PER_MESSAGE_DEFLATE=true}) sets {@code perMessageDeflate(true)}: Jetty and Tomcat then accept a
 * client's permessage-deflate offer (Tyrus has no deflate installed). {@code BENCH_METRICS=true} records the
 * server's metrics in a Micrometer {@code SimpleMeterRegistry}, to measure their cost. Prints {@code READY <port> <pid>} once it
 * listens. {@code inmem} serves no network: its clients sit on in-memory transports ({@code connect N} on stdin
 * adds N), which shows notify's own cost per connection without any container. Commands on stdin, one answer
 * line each: {@code gc} (full GC, then {@code heap <used bytes>}), {@code count} ({@code count <open sessions>}),
 * {@code connect N} (inmem only), {@code quit}.
 */
public final class BenchServer {

  private BenchServer() {
  }

  public static void main(String[] args) throws Exception {
    String container = "tyrus";
    int port = 0;
    String redis = null;
    String redisKey = RedisAdapterOptions.DEFAULT_KEY;
    int maxPayload = -1;
    boolean perMessageDeflate = Boolean.parseBoolean(System.getenv("BENCH_PER_MESSAGE_DEFLATE"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--container" -> container = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--redis" -> redis = args[++i];
        case "--redis-key" -> redisKey = args[++i];
        case "--max-payload" -> maxPayload = Integer.parseInt(args[++i]);
        case "--per-message-deflate" -> perMessageDeflate = switch (args[++i]) {
          case "on", "true" -> true;
          case "off", "false" -> false;
          default -> throw new IllegalArgumentException("--per-message-deflate must be on or off, was " + args[i]);
        };
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    boolean inmem = container.equals("inmem");
    NotifyServer.Builder builder = NotifyServer.builder();
    // BENCH_DIRECT_HANDLERS=true runs handlers on the transport's thread (handlers that never block may): what the
    // hand-over to the handler executor costs
    if (inmem || Boolean.parseBoolean(System.getenv("BENCH_DIRECT_HANDLERS"))) {
      builder.executor(Runnable::run);
    }
    if (maxPayload > 0) {
      builder.maxPayload(maxPayload);
    }
    if (redis != null) {
      builder.adapter(RedisAdapter.factory(RedisAdapterOptions.builder().url(redis).key(redisKey).build()));
    }
    builder.perMessageDeflate(perMessageDeflate);
    if (Boolean.parseBoolean(System.getenv("BENCH_METRICS"))) {
      builder.metrics(MicrometerMetrics.of(new SimpleMeterRegistry()));
    }
    NotifyServer io = builder.build();
    BenchHandlers.install(io);
    AutoCloseable http;
    int bound;
    switch (container) {
      case "tyrus" -> {
        NotifyStandalone standalone = NotifyStandalone.builder().add(io).host("127.0.0.1").port(port).start();
        http = standalone;
        bound = standalone.port();
      }
      case "jetty" -> {
        JettyServer jetty = JettyServer.start(io, "127.0.0.1", port);
        http = jetty;
        bound = jetty.port();
      }
      case "tomcat" -> {
        TomcatServer tomcat = TomcatServer.start(io, "127.0.0.1", port);
        http = tomcat;
        bound = tomcat.port();
      }
      case "netty" -> {
        NotifyNetty.Builder nettyBuilder = NotifyNetty.builder().add(io).host("127.0.0.1").port(port);
        String ioThreads = System.getenv("BENCH_IO_THREADS");
        if (ioThreads != null && !ioThreads.isBlank()) {
          nettyBuilder.ioThreads(Integer.parseInt(ioThreads.trim()));
        }
        NotifyNetty netty = nettyBuilder.start();
        http = netty;
        bound = netty.port();
      }
      case "inmem" -> {
        http = () -> { };
        bound = 0;
      }
      default -> throw new IllegalArgumentException("unknown container " + container
          + ": tyrus, jetty, tomcat, netty or inmem");
    }
    System.out.println("READY " + bound + " " + ProcessHandle.current().pid());
    System.out.flush();
    int inmemClients = 0;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    String line;
    while ((line = in.readLine()) != null) {
      String[] w = line.trim().split(" ");
      switch (w[0]) {
        case "gc" -> System.out.println("heap " + heapAfterGc());
        case "count" -> System.out.println("count " + io.clientsCount());
        case "connect" -> {
          int n = Integer.parseInt(w[1]);
          InMemoryClients.connect(io, n, Map.of("room", "fan"), inmemClients);
          inmemClients += n;
          System.out.println("connected " + n);
        }
        case "quit" -> {
          io.close();
          http.close();
          System.out.println("bye");
          System.out.flush();
          System.exit(0);
        }
        default -> System.out.println("error unknown command " + line);
      }
      System.out.flush();
    }
    io.close();
    http.close();
    System.exit(0);
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

}
