package dev.notify.netty;

import static org.awaitility.Awaitility.await;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;

/** The real Java client ({@code io.socket:socket.io-client}), connected, with the transport it uses. */
record JavaClient(Socket socket, AtomicReference<String> transport) implements AutoCloseable {

  static final Duration DEADLINE = Duration.ofSeconds(20);

  /** Connects to {@code url} with the given transports (none: its defaults, polling then upgrade). */
  static JavaClient connect(String url, String... transports) {
    return connect(url, "/socket.io/", null, transports);
  }

  /**
   * Connects to the server at {@code path} through {@code http} (for TLS), or the client's own OkHttp if
   * {@code null}.
   */
  static JavaClient connect(String url, String path, OkHttpClient http, String... transports) {
    IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false).setPath(path).build();
    if (transports.length > 0) {
      options.transports = transports;
    }
    if (http != null) {
      options.callFactory = http;
      options.webSocketFactory = http;
    }
    Socket socket = IO.socket(URI.create(url), options);
    AtomicReference<String> transport = new AtomicReference<>();
    socket.io().on(Manager.EVENT_TRANSPORT, args -> transport.set(((Transport) args[0]).name));
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("connect_error: " + args[0])));
    socket.connect();
    connected.orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).join();
    return new JavaClient(socket, transport);
  }

  /** Emits and returns the ack's arguments. */
  Object[] call(String event, Object... args) {
    CompletableFuture<Object[]> answer = new CompletableFuture<>();
    socket.emit(event, args, (Ack) answer::complete);
    return answer.orTimeout(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  /** Waits until the client uses {@code name}. */
  void awaitTransport(String name) {
    await("transport " + name).atMost(DEADLINE).until(() -> name.equals(transport.get()));
  }

  @Override
  public void close() {
    socket.disconnect();
  }
}
