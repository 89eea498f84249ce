package dev.notify.redis.testing;

import org.awaitility.Awaitility;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Socket.IO client (io.socket:socket.io-client over WebSocket) that records every event it receives, and
 * acknowledges {@code need-ack} events with {@code "ack-from-<name>"}.
 */
public final class TestClient implements AutoCloseable {

  /** One received event: its name and its arguments as {@code toString()} texts. */
  public record Received(String event, List<Object> args) {
  }

  private final Socket socket;
  private final String id;
  private final List<Received> received;
  private final CompletableFuture<String> disconnected;

  private TestClient(Socket socket, String id, List<Received> received, CompletableFuture<String> disconnected) {
    this.socket = socket;
    this.id = id;
    this.received = received;
    this.disconnected = disconnected;
  }

  static TestClient connect(String url, String nsp, String user, String... rooms) {
    IO.Options options = new IO.Options();
    options.transports = new String[] {WebSocket.NAME};
    options.forceNew = true;
    options.reconnection = false;
    Map<String, String> auth = new HashMap<>();
    auth.put("rooms", String.join(",", rooms));
    if (user != null) {
      auth.put("user", user);
    }
    options.auth = auth;
    Socket socket = IO.socket(URI.create(url + ("/".equals(nsp) ? "" : nsp)), options);
    List<Received> received = new CopyOnWriteArrayList<>();
    socket.onAnyIncoming(args -> {
      List<Object> rest = new ArrayList<>();
      Ack ack = null;
      for (int i = 1; i < args.length; i++) {
        if (args[i] instanceof Ack a) {
          ack = a;
        } else {
          rest.add(args[i]);
        }
      }
      received.add(new Received(String.valueOf(args[0]), rest));
      if (ack != null) {
        ack.call("ack-from-" + String.join(",", rooms));
      }
    });
    CompletableFuture<String> ready = new CompletableFuture<>();
    CompletableFuture<String> gone = new CompletableFuture<>();
    socket.on(Socket.EVENT_CONNECT, a -> socket.emit("ready", new Object[0], ack -> ready.complete(String.valueOf(
        ack[0]))));
    socket.on(Socket.EVENT_CONNECT_ERROR, a -> ready.completeExceptionally(new IllegalStateException(
        "connect_error: " + (a.length > 0 ? a[0] : ""))));
    socket.on(Socket.EVENT_DISCONNECT, a -> gone.complete(a.length > 0 ? String.valueOf(a[0]) : ""));
    socket.connect();
    String id;
    try {
      id = ready.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      socket.close();
      throw new IllegalStateException("client did not connect to " + url + nsp + ": " + e, e);
    }
    return new TestClient(socket, id, received, gone);
  }

  /** The socket id the server gave it. */
  public String id() {
    return id;
  }

  public List<Received> received() {
    return received;
  }

  /** The events received with that name. */
  public List<Received> received(String event) {
    return received.stream().filter(r -> r.event().equals(event)).collect(Collectors.toList());
  }

  /** Waits until {@code count} events of that name came. */
  public List<Received> await(String event, int count) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received(event).size() >= count);
    return received(event);
  }

  /** Completes with the disconnect reason. */
  public CompletableFuture<String> disconnected() {
    return disconnected;
  }

  public boolean connected() {
    return socket.connected();
  }

  /** Emits an event to the server. */
  public void emit(String event, Object... args) {
    socket.emit(event, args);
  }

  /** Emits an event that asks for an acknowledgement; completes with the ack's first argument. */
  public CompletableFuture<Object> emitWithAck(String event, Object... args) {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    socket.emit(event, args, reply -> answer.complete(reply.length == 0 ? null : reply[0]));
    return answer;
  }

  @Override
  public void close() {
    socket.close();
  }
}
