package dev.notify.jakarta.notification;

import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.FallbackChannel;
import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.NotificationStore;
import dev.notify.core.notification.StoredNotification;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.jakarta.testing.Await;
import dev.notify.jakarta.testing.JavaClientOptions;
import io.socket.client.IO;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link NotifyServer} with a {@link NotificationService} over a store, served by {@link NotifyStandalone} on
 * 127.0.0.1 and an ephemeral port, and real clients of its users; everything is closed after each test.
 *
 * <p>The server's auth middleware does what an application's would: it puts the handshake's {@code auth.userId}
 * into {@code socket.data()} under {@code "userId"}, and refuses a connection without one. The service's fallback
 * channel records its calls ({@link #fallbacks()}).
 *
 * <pre>{@code
 * @RegisterExtension
 * final NotificationFixture fixture = new NotificationFixture();
 *
 * fixture.start(server -> server, service -> service.ackTimeout(Duration.ofMillis(300)));  // optional
 * Device phone = fixture.device("alice").autoAck(NotificationFixture.NEW).connect();
 * NotificationId id = Await.result(fixture.service().send("alice", Notification.of(...)));
 * }</pre>
 */
final class NotificationFixture implements AfterEachCallback {

  static final String NEW = "notification:new";
  static final String BATCH = "notification:batch";
  static final String READ = "notification:read";
  static final String READ_ALL = "notification:read-all";
  static final String READ_SYNC = "notification:read-sync";
  static final String INBOX = "notification:inbox";

  /** A call of the fallback channel. */
  record Fallback(String userId, NotificationId id, FallbackChannel.Reason reason) {
  }


  private final List<AutoCloseable> clients = new ArrayList<>();
  private final Queue<Fallback> fallbacks = new ConcurrentLinkedQueue<>();
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private NotifyServer io;
  private NotificationStore store;
  private NotificationService service;
  private NotifyStandalone http;

  /** Starts with the defaults: an {@link InMemoryNotificationStore} and the service's default options. */
  NotificationFixture start() {
    return start(new InMemoryNotificationStore(), server -> server, service -> service);
  }

  /** Starts with changed service options and an {@link InMemoryNotificationStore}. */
  NotificationFixture start(UnaryOperator<NotificationService.Builder> serviceOptions) {
    return start(new InMemoryNotificationStore(), server -> server, serviceOptions);
  }

  /** Starts once per test, before anything else. */
  NotificationFixture start(NotificationStore store, UnaryOperator<NotifyServer.Builder> serverOptions,
      UnaryOperator<NotificationService.Builder> serviceOptions) {
    if (io != null) {
      throw new IllegalStateException("the server of this test is already started");
    }
    this.store = store;
    io = serverOptions.apply(NotifyServer.builder()).build();
    io.use((socket, next) -> {
      String userId = socket.handshake().auth().path("userId").asText("");
      if (userId.isEmpty()) {
        next.reject("Authentication required");
        return;
      }
      socket.data().put("userId", userId);
      next.accept();
    });
    service = serviceOptions.apply(NotificationService.builder()
        .server(io)
        .store(store)
        .fallback((n, reason) -> fallbacks.add(new Fallback(n.userId(), n.id(), reason))))
        .build();
    // runs after the service's connection handler (handlers run in registration order, one after the other)
    io.onConnection(socket -> handled.add(socket.id()));
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
    return this;
  }

  NotifyServer io() {
    started();
    return io;
  }

  NotificationStore store() {
    started();
    return store;
  }

  NotificationService service() {
    started();
    return service;
  }

  /** Where clients connect: {@code http://127.0.0.1:<port>}. */
  URI uri() {
    started();
    return URI.create("http://127.0.0.1:" + http.port());
  }

  /** What the fallback channel was given so far, in order. */
  List<Fallback> fallbacks() {
    return List.copyOf(fallbacks);
  }

  /** A Java client of the user, not connected yet: WebSocket only, no reconnection, no device id. */
  Device device(String userId) {
    return device(userId, null);
  }

  /** As {@link #device(String)}, with {@code deviceId} in its handshake auth when not {@code null}. */
  Device device(String userId, String deviceId) {
    IO.Options options = JavaClientOptions.websocketOnly();
    options.auth = deviceId == null ? Map.of("userId", userId) : Map.of("userId", userId, "deviceId", deviceId);
    Device device = new Device(IO.socket(uri(), options), this::awaitHandled);
    synchronized (clients) {
      clients.add(device);
    }
    return device;
  }

  /** An npm {@code socket.io-client} in a Node process; {@code options} go to its {@code io(url, options)}. */
  NodeClient nodeClient(Map<String, Object> options) {
    NodeClient client = NodeClient.start(uri(), options, this::awaitHandled);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** Waits until the server's connection handlers, the service's included, ran for this socket. */
  void awaitHandled(String socketId) {
    await().atMost(Await.DEADLINE).until(() -> handled.contains(socketId));
  }

  /** The notification as stored, if the user owns it. */
  StoredNotification stored(String userId, NotificationId id) {
    return Await.result(store().find(userId, id));
  }

  /** Waits until the stored notification has this status. */
  StoredNotification awaitStatus(String userId, NotificationId id, NotificationStatus status) {
    await().atMost(Await.DEADLINE).until(() -> stored(userId, id), n -> n != null && n.status() == status);
    return stored(userId, id);
  }

  private void started() {
    if (io == null) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> open;
    synchronized (clients) {
      open = List.copyOf(clients);
      clients.clear();
    }
    for (AutoCloseable client : open) {
      client.close();
    }
    if (io != null) {
      service.close();
      io.close();
      http.close();
    }
  }
}
