package dev.notify.examples;

import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.micrometer.MicrometerMetrics;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisEmitter;
import dev.notify.redis.RedisEmitterOptions;
import dev.notify.redis.RedisNotificationStore;
import dev.notify.redis.RedisNotificationStoreOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification center demo: a browser page with a live inbox (unread badge, list, mark read) fed by two
 * clustered nodes and a socket-less order service, all sharing one Redis.
 *
 * <pre>
 * ./examples/notification-demo [--port 8080] [--redis redis://127.0.0.1:6379] [--key notify-demo] [--interop DIR]
 * </pre>
 *
 * <ul>
 *   <li>Redis: the one at {@code --redis} (else {@code REDIS_URL}, else {@code redis://127.0.0.1:6379}) if it
 *       answers PING, else an embedded one on a free port, stopped on exit ({@link DemoRedis}).</li>
 *   <li>Two nodes on {@code 127.0.0.1}, ports {@code port + 1} and {@code port + 2} (free ports when
 *       {@code port} is 0): each a {@link NotifyServer} with a {@link RedisAdapter}, a {@link NotificationService}
 *       on a {@link RedisNotificationStore}, served by {@link NotifyStandalone}. Their auth middleware takes the
 *       user id from the handshake's {@code auth.token}: <b>demo-grade</b>, the token is the user name.</li>
 *   <li>The order service: a {@link NotificationService} built on a {@link RedisEmitter} and its own
 *       {@link RedisNotificationStore} on the same keys: it stores and queues, the nodes deliver.</li>
 *   <li>A web server on {@code 127.0.0.1:port} ({@link DemoWebServer}): the page, {@code /config},
 *       {@code POST /orders} and the Socket.IO client bundle from {@code interop/node_modules}.</li>
 * </ul>
 *
 * Prints one line with the URL to open when ready; stops cleanly on SIGTERM or Ctrl+C.
 */
public final class NotificationDemo implements AutoCloseable {

  /** The web server's port by default; the nodes take the next two. */
  public static final int DEFAULT_PORT = 8080;
  /** The Redis tried first by default (then {@code REDIS_URL} overrides it). */
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
  /** The adapter's channel prefix and the store's key prefix by default: apart from other apps on that Redis. */
  public static final String DEFAULT_KEY = "notify-demo";

  /** What a user name (and so a token) may be. */
  static final Pattern USER = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private static final Logger log = LoggerFactory.getLogger(NotificationDemo.class);
  /** Grizzly logs through java.util.logging; held here so the level set in main sticks. */
  private static final java.util.logging.Logger GRIZZLY = java.util.logging.Logger.getLogger("org.glassfish");

  /**
   * How to start the demo.
   *
   * @param port the web server's port (0: a free one); the nodes listen on {@code port + 1} and {@code port + 2},
   *     or free ports when 0
   * @param redisUrl the Redis to use if it answers PING (else an embedded one is started)
   * @param key the cluster's channel prefix and the store's key prefix
   * @param interopDir where {@code node_modules/socket.io-client} is installed (the page's client bundle)
   */
  public record Options(int port, String redisUrl, String key, Path interopDir) {
    public Options {
      if (port < 0 || port > 65533) {
        throw new IllegalArgumentException("port must be in 0..65533 (the nodes take the next two), was " + port);
      }
      Objects.requireNonNull(redisUrl, "redisUrl");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(interopDir, "interopDir");
    }
  }

  public static void main(String[] args) throws InterruptedException {
    GRIZZLY.setLevel(Level.WARNING);
    String env = System.getenv("REDIS_URL");
    int port = DEFAULT_PORT;
    String redis = env != null && !env.isBlank() ? env : DEFAULT_REDIS_URL;
    String key = DEFAULT_KEY;
    Path interop = Path.of(System.getProperty("notify.interop.dir", "interop"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        case "--redis" -> redis = value(args, ++i, "--redis");
        case "--key" -> key = value(args, ++i, "--key");
        case "--interop" -> interop = Path.of(value(args, ++i, "--interop"));
        default -> {
          System.err.println("usage: notification-demo [--port 8080] [--redis URL] [--key PREFIX] [--interop DIR]");
          System.exit(2);
        }
      }
    }
    NotificationDemo demo = start(new Options(port, redis, key, interop));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("Notification demo ready: open " + demo.pageUrl("alice", 1) + " and, in another tab, "
        + demo.pageUrl("alice", 2) + " (Ctrl+C stops it)");
    System.out.flush();
    stopped.await();
  }

  private final DemoRedis redis;
  private final List<Node> nodes;
  private final RedisEmitter orderEmitter;
  private final RedisNotificationStore orderStore;
  private final NotificationService orderService;
  private final DemoWebServer web;
  private final AtomicInteger orderNumbers = new AtomicInteger(1000);
  private final AtomicBoolean closed = new AtomicBoolean();

  private NotificationDemo(DemoRedis redis, List<Node> nodes, RedisEmitter orderEmitter,
      RedisNotificationStore orderStore, NotificationService orderService, DemoWebServer web) {
    this.redis = redis;
    this.nodes = nodes;
    this.orderEmitter = orderEmitter;
    this.orderStore = orderStore;
    this.orderService = orderService;
    this.web = web;
  }

  /** Starts Redis (if needed), the two nodes, the order service and the web server; undoes it all on failure. */
  public static NotificationDemo start(Options options) {
    List<AutoCloseable> started = new ArrayList<>();
    try {
      DemoRedis redis = DemoRedis.at(options.redisUrl());
      started.add(redis);
      log.info("using {}", redis);

      DemoWebServer web = DemoWebServer.bind(options.port(), options.interopDir());
      started.add(web);
      String[] origins = {"http://127.0.0.1:" + web.port(), "http://localhost:" + web.port()};

      // both nodes on one registry: /metrics shows the demo's totals
      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      List<Node> nodes = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        Node node = Node.start(i, options.port() == 0 ? 0 : options.port() + i, redis.url(), options.key(), origins,
            MicrometerMetrics.of(prometheus));
        started.add(node);
        nodes.add(node);
      }

      RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(redis.url())
          .key(options.key()).build());
      started.add(emitter);
      RedisNotificationStore store = RedisNotificationStore.create(storeOptions(redis.url(), options.key()));
      started.add(store);
      NotificationService orders = NotificationService.builder().emitter(emitter).store(store).build();
      started.add(orders);

      NotificationDemo demo = new NotificationDemo(redis, List.copyOf(nodes), emitter, store, orders, web);
      web.start(nodes.stream().map(Node::port).toList(), demo::shipOrder, prometheus::scrape);
      return demo;
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  /** {@code http://127.0.0.1:<port>/}, the page. */
  public String url() {
    return "http://127.0.0.1:" + web.port() + "/";
  }

  /** The page of {@code user} connected to node {@code node} (1 or 2). */
  public String pageUrl(String user, int node) {
    return url() + "?user=" + user + "&node=" + node;
  }

  /** The web server's port. */
  public int port() {
    return web.port();
  }

  /** The ports of node 1 and node 2. */
  public List<Integer> nodePorts() {
    return nodes.stream().map(Node::port).toList();
  }

  /** The Redis in use (the given one, or the embedded one). */
  public String redisUrl() {
    return redis.url();
  }

  /** The order service: socket-less, on the RedisEmitter and the shared store. */
  public NotificationService orderService() {
    return orderService;
  }

  /** The notification service of node 1 or 2. */
  public NotificationService nodeService(int node) {
    return nodes.get(node - 1).service;
  }

  /** What {@code POST /orders} does: "order shipped" to {@code user}; completes once stored, with the order. */
  CompletableFuture<DemoWebServer.Shipped> shipOrder(String user) {
    int order = orderNumbers.incrementAndGet();
    Notification shipped = Notification.of("order", "Order #" + order + " shipped",
            "Your order #" + order + " is on its way.")
        .data(Map.of("orderId", order, "status", "shipped"));
    return orderService.send(user, shipped).thenApply(id -> new DemoWebServer.Shipped(order, id.toString()));
  }

  /** Stops the web server, the order service, the nodes (clients see "transport close"), then Redis if ours. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<AutoCloseable> all = new ArrayList<>();
    all.add(redis);
    all.addAll(nodes);
    all.add(orderEmitter);
    all.add(orderStore);
    all.add(orderService);
    all.add(web);
    closeAll(all);
  }

  /** Closes in reverse order, each despite the failures of the others. */
  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      if (started.get(i) == null) {
        continue;
      }
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", started.get(i), e);
      }
    }
  }

  private static RedisNotificationStoreOptions storeOptions(String redisUrl, String key) {
    return RedisNotificationStoreOptions.builder().url(redisUrl).keyPrefix(key).build();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      System.err.println(option + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  /** One node of the cluster: a server, its notification service and store, and its HTTP listener. */
  private static final class Node implements AutoCloseable {
    private final NotifyServer io;
    private final RedisNotificationStore store;
    private final NotificationService service;
    private final NotifyStandalone http;

    private Node(NotifyServer io, RedisNotificationStore store, NotificationService service,
        NotifyStandalone http) {
      this.io = io;
      this.store = store;
      this.service = service;
      this.http = http;
    }

    static Node start(int number, int port, String redisUrl, String key, String[] origins, NotifyMetrics metrics) {
      NotifyServer io = NotifyServer.builder()
          .allowedOrigins(origins)
          .metrics(metrics)
          .adapter(RedisAdapter.factory(RedisAdapterOptions.builder().url(redisUrl).key(key).build()))
          .build();
      RedisNotificationStore store = null;
      NotificationService service = null;
      try {
        // Demo-grade auth: the token IS the user name, so anyone can be anyone. A real app verifies a signed
        // token (a session, a JWT) here and puts the user id it proves in socket.data().
        io.use((socket, next) -> {
          String token = socket.handshake().auth().path("token").asText("");
          if (!USER.matcher(token).matches()) {
            next.reject("auth.token must be a user name: 1 to 32 letters, digits, '-' or '_'");
            return;
          }
          socket.data().put("userId", token);
          next.accept();
        });
        store = RedisNotificationStore.create(storeOptions(redisUrl, key));
        service = NotificationService.builder().server(io).store(store).build();
        io.of("/").ready().orTimeout(30, TimeUnit.SECONDS).join();
        NotifyStandalone http = NotifyStandalone.builder().host("127.0.0.1").port(port).add(io).start();
        log.info("node {} on http://127.0.0.1:{}", number, http.port());
        return new Node(io, store, service, http);
      } catch (RuntimeException e) {
        closeAll(Arrays.asList(io, store, service));
        throw e;
      }
    }

    int port() {
      return http.port();
    }

    @Override
    public void close() {
      service.close();
      io.close();
      http.close();
      store.close();
    }
  }
}
