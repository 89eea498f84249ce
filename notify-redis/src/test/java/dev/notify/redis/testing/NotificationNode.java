package dev.notify.redis.testing;

import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.netty.NotifyNetty;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterFactory;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisNotificationStore;
import dev.notify.redis.RedisNotificationStoreOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One notification node for tests: a {@link NotifyServer} with a {@link RedisAdapter}, a {@link NotificationService}
 * on a {@link RedisNotificationStore}, served by {@link NotifyStandalone} on {@code 127.0.0.1:0}. The auth
 * middleware takes the user id from {@code auth.user} (and refuses a connection without one).
 */
public final class NotificationNode implements AutoCloseable {

  private final RedisAdapterFactory factory;
  private final NotifyServer io;
  private final RedisNotificationStore store;
  private final NotificationService service;
  /** The transports: {@link NotifyStandalone} (Tyrus), or Netty with {@code -Dnotify.test.container=netty}. */
  private final AutoCloseable http;
  private final int port;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private NotificationNode(String redisUrl, String adapterKey, String storePrefix,
      UnaryOperator<NotificationService.Builder> tune, NotifyMetrics metrics) {
    this.factory = adapterKey == null ? null : RedisAdapter.factory(RedisAdapterOptions.builder().url(redisUrl)
        .key(adapterKey).reconnectMinDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofSeconds(1))
        .healthCheckInterval(Duration.ofMillis(500)).requestsTimeout(Duration.ofSeconds(3)).build());
    NotifyServer.Builder server = NotifyServer.builder().metrics(metrics);
    this.io = factory == null ? server.build() : server.adapter(factory).build();
    io.use((socket, next) -> {
      String user = socket.handshake().auth().path("user").asText("");
      if (user.isEmpty()) {
        next.reject("auth.user is required");
        return;
      }
      socket.data().put("userId", user);
      next.accept();
    });
    this.store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder().url(redisUrl)
        .keyPrefix(storePrefix).build());
    this.service = tune.apply(NotificationService.builder().server(io).store(store)).build();
    if ("netty".equals(System.getProperty("notify.test.container"))) {
      NotifyNetty netty = NotifyNetty.builder().host("127.0.0.1").port(0).add(io).start();
      this.http = netty;
      this.port = netty.port();
    } else {
      NotifyStandalone tyrus = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
      this.http = tyrus;
      this.port = tyrus.port();
    }
    try {
      io.of("/").ready().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("node not subscribed to Redis within 15 s: " + e, e);
    }
  }

  /**
   * Starts a node; {@code tune} adjusts the service (ack timeout, retries, fallback). A {@code null} adapter key
   * makes a lone node (in-memory adapter) that still keeps its notifications in Redis.
   */
  public static NotificationNode start(String redisUrl, String adapterKey, String storePrefix,
      UnaryOperator<NotificationService.Builder> tune) {
    return start(redisUrl, adapterKey, storePrefix, tune, NotifyMetrics.NONE);
  }

  /** As above, the server reporting to {@code metrics}. */
  public static NotificationNode start(String redisUrl, String adapterKey, String storePrefix,
      UnaryOperator<NotificationService.Builder> tune, NotifyMetrics metrics) {
    return new NotificationNode(redisUrl, adapterKey, storePrefix, tune, metrics);
  }

  public NotifyServer io() {
    return io;
  }

  public RedisAdapterFactory factory() {
    return factory;
  }

  public NotificationService service() {
    return service;
  }

  public RedisNotificationStore store() {
    return store;
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    service.close();
    io.close();
    try {
      http.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the transports failed", e);
    }
    store.close();
  }
}
