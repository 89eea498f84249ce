package dev.notify.redis.testing;

import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterFactory;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.internal.RedisClusterAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One cluster node for tests: a {@link NotifyServer} with a {@link RedisAdapter}, served by
 * {@link NotifyStandalone} on {@code 127.0.0.1:0}. Clients join the rooms they name in {@code auth.rooms} (comma
 * separated); a {@code ready} event answers the socket id once that is done.
 */
public final class TestNode implements AutoCloseable {

  private final NotifyServer io;
  private final RedisAdapterFactory factory;
  private final NotifyStandalone http;
  private final List<TestClient> clients = new ArrayList<>();

  private TestNode(RedisAdapterOptions options, UnaryOperator<NotifyServer.Builder> customize) {
    this.factory = RedisAdapter.factory(options);
    this.io = customize.apply(NotifyServer.builder().adapter(factory)).build();
    for (String nsp : new String[] {"/", "/admin"}) {
      configure(io.of(nsp));
    }
    this.http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
  }

  /**
   * Clients join the rooms of {@code auth.rooms}; {@code ready} answers the socket id once they did and this node
   * receives what other nodes broadcast to those rooms (in sharded DYNAMIC mode, once it is subscribed to them).
   */
  private static void configure(dev.notify.core.server.Namespace namespace) {
    namespace.onConnection(socket -> {
      List<CompletableFuture<Void>> joined = new ArrayList<>();
      for (String room : socket.handshake().auth().path("rooms").asText("").split(",")) {
        if (!room.isEmpty()) {
          socket.join(room);
          joined.add(((RedisAdapter) namespace.adapter()).roomReady(room));
        }
      }
      String user = socket.handshake().auth().path("user").asText(null);
      if (user != null) {
        socket.data().put("user", user);
      }
      socket.on("ready", (args, ack) -> CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new))
          .thenRun(() -> ack.send(socket.id())));
    });
  }

  /** Starts a node and waits until its main namespace is subscribed. */
  public static TestNode start(RedisAdapterOptions options) {
    return start(options, UnaryOperator.identity());
  }

  /** As {@link #start(RedisAdapterOptions)}, with more server options. */
  public static TestNode start(RedisAdapterOptions options, UnaryOperator<NotifyServer.Builder> customize) {
    TestNode node = new TestNode(options, customize);
    node.awaitReady("/");
    return node;
  }

  /** Waits until a namespace's adapter is subscribed (it is created on first use). */
  public void awaitReady(String nsp) {
    try {
      io.of(nsp).ready().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("namespace " + nsp + " not ready: " + e, e);
    }
  }

  public NotifyServer io() {
    return io;
  }

  public RedisAdapterFactory factory() {
    return factory;
  }

  public RedisClusterAdapter adapter() {
    return (RedisClusterAdapter) io.of("/").adapter();
  }

  public RedisAdapter adapter(String nsp) {
    return (RedisAdapter) io.of(nsp).adapter();
  }

  public int port() {
    return http.port();
  }

  /** A connected client in these rooms, its rooms joined on the server. */
  public TestClient client(String... rooms) {
    return clientOf("/", null, rooms);
  }

  public TestClient clientOf(String nsp, String user, String... rooms) {
    TestClient client = TestClient.connect("http://127.0.0.1:" + port(), nsp, user, rooms);
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** A client of another Socket.IO server (a Node.js one) on {@code 127.0.0.1:port}; the caller closes it. */
  public static TestClient externalClient(int port, String... rooms) {
    return TestClient.connect("http://127.0.0.1:" + port, "/", null, rooms);
  }

  /** Waits until this node counts {@code n} nodes on the namespace (every node subscribed). */
  public void awaitServerCount(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> adapter().serverCount().get(5, TimeUnit.SECONDS) == n);
  }

  @Override
  public void close() {
    synchronized (clients) {
      for (TestClient c : clients) {
        c.close();
      }
    }
    io.close();
    http.close();
  }
}
