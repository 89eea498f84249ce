package dev.notify.core.server;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One client connected to one namespace, as Socket.IO's server-side {@code socket}. A client connected to two
 * namespaces over one connection has two sockets.
 *
 * <p>Thread-safe: emit, join and disconnect from any thread. Handlers registered here run on the server's
 * handler executor, one event of the connection at a time, in the order the client sent them; a handler that
 * blocks delays this connection only.
 */
public interface Socket {

  /** The socket id, sent to the client in the CONNECT answer; also the name of the socket's private room. */
  String id();

  /** The namespace the socket is connected to. */
  Namespace namespace();

  /** The request and auth payload of the connection. */
  Handshake handshake();

  /**
   * Free-form data attached to the socket, typically filled by a connection middleware (the user id, roles).
   * Thread-safe; {@code fetchSockets} reports a JSON snapshot of it, so keep values Jackson-serializable. A String
   * or number under {@code "userId"} is the socket's user: notify's log lines about the socket carry it as
   * {@code user}, and its handlers run with it in the MDC as {@code notify.user}.
   */
  Map<String, Object> data();

  /** Whether the socket is still connected to its namespace. */
  boolean connected();

  /** Whether the socket came back with its state after a short disconnection (connection state recovery). */
  boolean recovered();

  /** The rooms the socket is in, its own id included. */
  Set<String> rooms();

  /** Joins rooms. */
  void join(String... rooms);

  /** Joins rooms. */
  void join(Collection<String> rooms);

  /** Leaves a room. */
  void leave(String room);

  /**
   * Sends an event to this client.
   *
   * @param args anything Jackson serializes; {@code byte[]} and {@code ByteBuffer} travel as binary
   * @throws IllegalArgumentException for a reserved or null event name, or arguments Jackson cannot serialize
   */
  void emit(String event, Object... args);

  /**
   * Sends an event and waits for the client's acknowledgement, without time limit: the future fails with
   * {@link AckException} if the socket disconnects first. Prefer {@link #timeout(Duration)}.
   *
   * @return the acknowledgement's arguments; completed on a handler thread, not in this connection's order
   */
  CompletableFuture<Args> emitWithAck(String event, Object... args);

  /**
   * The emits of {@link SocketEmitter}, with an ack timeout: {@code socket.timeout(Duration.ofSeconds(5))
   * .emitWithAck("confirm", data)} fails with {@link AckTimeoutException} after 5 s without answer.
   */
  SocketEmitter timeout(Duration timeout);

  /** Emits of this socket with Socket.IO's {@code volatile} flag: dropped if the transport is busy. */
  SocketEmitter asVolatile();

  /** Broadcasts to these rooms, leaving this socket out (Socket.IO's {@code socket.to(room)}). */
  BroadcastOperator to(String... rooms);

  /** Same as {@link #to}. */
  BroadcastOperator in(String... rooms);

  /** Broadcasts to every socket of the namespace but these rooms and this socket. */
  BroadcastOperator except(String... rooms);

  /** Broadcasts to every other socket of the namespace (Socket.IO's {@code socket.broadcast}). */
  BroadcastOperator broadcast();

  /** Handles an event from the client; several handlers of one event run in registration order. */
  Socket on(String event, EventHandler handler);

  /** Removes every handler of an event. */
  Socket off(String event);

  /** Removes one handler of an event. */
  Socket off(String event, EventHandler handler);

  /** Sees every event from the client before its own handlers. */
  Socket onAny(AnyEventHandler handler);

  /**
   * The id of its Engine.IO connection, which the sockets of one client in several namespaces share (Socket.IO's
   * {@code socket.client.id}). A polling client's credential while it polls: do not show it to other clients.
   */
  String clientId();

  /** The transport its connection uses now: {@code polling}, or {@code websocket} once upgraded. */
  String transport();

  /** Removes a handler added with {@link #onAny}. */
  Socket offAny(AnyEventHandler handler);

  /**
   * Sees every event emitted to this socket alone ({@code emit}, {@code emitWithAck}; not broadcasts), as
   * Socket.IO's {@code onAnyOutgoing}: on the emitting thread, before it is sent; must not block or throw.
   */
  Socket onAnyOutgoing(BiConsumer<String, Object[]> listener);

  /** Removes a listener added with {@link #onAnyOutgoing}. */
  Socket offAnyOutgoing(BiConsumer<String, Object[]> listener);

  /** Adds an event middleware, run before the handlers of each event. */
  Socket use(EventMiddleware middleware);

  /** Runs when the socket is about to leave its namespace; its rooms are still there. */
  Socket onDisconnecting(Consumer<DisconnectReason> handler);

  /** Runs once the socket left its namespace and its rooms. */
  Socket onDisconnect(Consumer<DisconnectReason> handler);

  /** Receives errors of this socket, such as an event middleware's rejection. */
  Socket onError(Consumer<Throwable> handler);

  /**
   * Disconnects the socket from its namespace: the client gets a DISCONNECT and will not reconnect by itself.
   *
   * @param close also close the underlying connection, and with it the client's other namespaces
   */
  void disconnect(boolean close);

  /** Same as {@code disconnect(false)}. */
  default void disconnect() {
    disconnect(false);
  }
}
