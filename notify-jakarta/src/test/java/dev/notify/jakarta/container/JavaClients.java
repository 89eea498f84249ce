package dev.notify.jakarta.container;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The real Java client ({@code io.socket:socket.io-client} 2.1.2), set up for the container scenarios. */
final class JavaClients {

  static final Duration DEADLINE = Duration.ofSeconds(10);

  private JavaClients() {
  }

  /** A connected Java client, with the transport it currently uses. */
  record Connected(Socket socket, AtomicReference<String> transport) implements AutoCloseable {

    /** Emits and waits for the ack (deadline {@link #DEADLINE}). */
    Object[] call(String event, Object... args) {
      CompletableFuture<Object[]> answer = new CompletableFuture<>();
      socket.emit(event, args, (Ack) answer::complete);
      return await(answer, "ack of " + event);
    }

    @Override
    public void close() {
      socket.disconnect();
    }
  }

  /**
   * Creates a client (not connected yet) that names itself {@code label} and tracks its transport.
   *
   * @param query more query parameters ({@code a=1&b=2}), or {@code ""}
   */
  static Connected create(String url, String label, ClientMode mode, String query,
      Map<String, List<String>> headers) {
    IO.Options options = IO.Options.builder()
        .setForceNew(true)
        .setReconnection(false)
        .setQuery("label=" + label + (query.isEmpty() ? "" : "&" + query))
        .setExtraHeaders(headers)
        .build();
    String[] transports = mode.javaTransports();
    if (transports != null) {
      options.transports = transports;
    }
    Socket socket = IO.socket(URI.create(url), options);
    AtomicReference<String> transport = new AtomicReference<>();
    // the engine announces its first transport and every upgrade through the manager
    socket.io().on(Manager.EVENT_TRANSPORT, args -> transport.set(((Transport) args[0]).name));
    return new Connected(socket, transport);
  }

  /** Connects a client and waits for the Socket.IO CONNECT (deadline {@link #DEADLINE}). */
  static Connected connect(String url, String label, ClientMode mode) {
    return connect(create(url, label, mode, "", Map.of()));
  }

  static Connected connect(Connected client) {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    client.socket().once(Socket.EVENT_CONNECT, args -> connected.complete(null));
    client.socket().once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
        new AssertionError("connect_error: " + args[0], args[0] instanceof Throwable t ? t : null)));
    client.socket().connect();
    await(connected, "connect of " + client.socket());
    return client;
  }

  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + ": nothing within " + DEADLINE, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(what + ": interrupted", e);
    }
  }
}
