package dev.notify.jakarta.client;

import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.jakarta.testing.JavaClientOptions;
import io.socket.client.IO;
import io.socket.client.Manager;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link NotifyServer} served by {@link NotifyStandalone} on 127.0.0.1 and an ephemeral port, and real Java
 * Socket.IO clients for it; everything is closed after each test. Register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final NotifyFixture fixture = new NotifyFixture();
 *
 * @Test
 * void something() {
 *   fixture.start(b -> b.maxPayload(10_000));   // optional: the defaults start on first use
 *   fixture.io().onConnection(socket -> ...);
 *   TestClient client = fixture.connect();
 *   Socket server = fixture.awaitServerSocket();
 * }
 * }</pre>
 *
 * <p>Clients use the WebSocket transport only, {@code forceNew} and no reconnection unless a test says otherwise.
 * They share one OkHttp client whose dispatcher allows many connections to one host: OkHttp runs each WebSocket's
 * reader on a dispatcher slot for the connection's whole life, and its default of 5 per host would queue the
 * sixth client until one of the first five closes.
 *
 * <p>That OkHttp client also answers the server's close frame, as RFC 6455 section 5.5.1 requires and as browsers
 * and Node's {@code ws} do. OkHttp 3 leaves the answer to the listener, and engine.io-client 2.1.0's listener never
 * gives it, so unpatched it stops reading after a server-initiated close and notices only through its heartbeat
 * (reason {@code ping timeout}, {@code pingInterval + pingTimeout} later). With the answer, it reports
 * {@code transport close} at once, as the JavaScript client does.
 */
final class NotifyFixture implements AfterEachCallback {


  private final List<TestClient> clients = new ArrayList<>();
  private final Recorder<Socket> serverSockets = new Recorder<>();
  private NotifyServer io;
  private NotifyStandalone http;

  /** Starts the server with options; call at most once per test, before anything else. */
  NotifyServer start(UnaryOperator<NotifyServer.Builder> options) {
    if (io != null) {
      throw new IllegalStateException("the server of this test is already started");
    }
    io = options.apply(NotifyServer.builder()).build();
    io.onConnection(serverSockets::add);
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
    return io;
  }

  /** The server, started with the default options on first use. */
  NotifyServer io() {
    if (io == null) {
      start(b -> b);
    }
    return io;
  }

  /** Where clients connect: {@code http://127.0.0.1:<port>}. */
  URI uri() {
    io();
    return URI.create("http://127.0.0.1:" + http.port());
  }

  /** The port the server listens on. */
  int port() {
    io();
    return http.port();
  }

  /** The next socket that connected to the main namespace, waiting for it. */
  Socket awaitServerSocket() {
    io();
    return serverSockets.next();
  }

  /** The options every client of these tests starts from. */
  static IO.Options options() {
    return JavaClientOptions.websocketOnly();
  }

  /** A client of the main namespace, not connected yet. */
  TestClient client() {
    return client(options -> {
    });
  }

  /** A client of the main namespace with changed options, not connected yet. */
  TestClient client(Consumer<IO.Options> change) {
    IO.Options options = options();
    change.accept(options);
    TestClient client = new TestClient(IO.socket(uri(), options));
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** A connected client of the main namespace. */
  TestClient connect() {
    return client().connect();
  }

  /** A connected client of the main namespace with changed options. */
  TestClient connect(Consumer<IO.Options> change) {
    return client(change).connect();
  }

  /**
   * A manager (one Engine.IO connection for several namespaces), not connected yet; {@link #client(Manager,
   * String)} gives its sockets, and closing the last of them closes it.
   */
  Manager manager() {
    return new Manager(uri(), options());
  }

  /** A client of a namespace of a manager, not connected yet. */
  TestClient client(Manager manager, String namespace) {
    TestClient client = new TestClient(manager.socket(namespace));
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<TestClient> open;
    synchronized (clients) {
      open = List.copyOf(clients);
      clients.clear();
    }
    open.forEach(TestClient::close);
    if (io != null) {
      io.close();
      http.close();
    }
  }
}
