package dev.notify.jakarta.client;

import dev.notify.jakarta.testing.Await;
import dev.notify.jakarta.testing.EventLog;
import io.socket.client.Ack;
import io.socket.client.Manager;
import io.socket.client.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real {@code io.socket:socket.io-client} socket that records what it receives, in arrival order: the events
 * the server emitted, and its own {@code connect}, {@code disconnect}, {@code connect_error} and the manager's
 * {@code reconnect_attempt} (those names are reserved, so they never clash with a server event).
 *
 * <p>The Java client runs every listener of every client on one event thread, in the order the packets arrived;
 * so once a client recorded an event, it recorded everything the server sent it before that event. Tests use that
 * to prove non-delivery without waiting: emit a marker after the event that must not arrive, await the marker,
 * then look at {@link #eventNames()}.
 */
final class TestClient implements AutoCloseable {

  static final String CONNECT = Socket.EVENT_CONNECT;
  static final String DISCONNECT = Socket.EVENT_DISCONNECT;
  static final String CONNECT_ERROR = Socket.EVENT_CONNECT_ERROR;
  static final String RECONNECT_ATTEMPT = Manager.EVENT_RECONNECT_ATTEMPT;

  /** Something the client received: an event's name, its arguments, and its ack when the server asked for one. */
  record Event(String name, List<Object> args, Ack ack) {
    Object arg(int index) {
      return args.get(index);
    }
  }

  private final Socket socket;
  private final EventLog<Event> received = new EventLog<>(Event::name);

  TestClient(Socket socket) {
    this.socket = socket;
    socket.onAnyIncoming(args -> {
      List<Object> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
      Ack ack = !rest.isEmpty() && rest.get(rest.size() - 1) instanceof Ack a ? a : null;
      if (ack != null) {
        rest.remove(rest.size() - 1);
      }
      record(new Event(String.valueOf(args[0]), Collections.unmodifiableList(rest), ack));
    });
    for (String lifecycle : List.of(CONNECT, DISCONNECT, CONNECT_ERROR)) {
      socket.on(lifecycle, args -> record(new Event(lifecycle, Collections.unmodifiableList(Arrays.asList(args)), null)));
    }
    socket.io().on(RECONNECT_ATTEMPT, args -> record(new Event(RECONNECT_ATTEMPT,
        Collections.unmodifiableList(Arrays.asList(args)), null)));
  }

  private void record(Event event) {
    received.record(event);
  }

  /** Drops what it recorded of this event (see {@link EventLog#forget}). */
  void forget(String event) {
    received.forget(event);
  }

  /** The client socket itself. */
  Socket socket() {
    return socket;
  }

  /** Its socket id (the server socket's id), once connected. */
  String id() {
    return socket.id();
  }

  /** Connects and waits for {@code connect}. */
  TestClient connect() {
    socket.connect();
    awaitEvent(CONNECT);
    return this;
  }

  /**
   * Waits for the next {@code name} event not awaited yet, up to {@link Await#DEADLINE}, and hands it out.
   * Events of other names stay available.
   */
  Event awaitEvent(String name) {
    return received.await(name);
  }

  /** The arguments of the next {@code disconnect}: the reason, as the client words it. */
  String awaitDisconnect() {
    return (String) awaitEvent(DISCONNECT).arg(0);
  }

  /** The names of everything received so far, in order, lifecycle events included. */
  List<String> eventNames() {
    return received.names();
  }

  /** Everything received so far with this name, in order. */
  List<Event> events(String name) {
    return received.named(name);
  }

  /** Emits an event without ack. */
  void emit(String event, Object... args) {
    socket.emit(event, args);
  }

  /** Emits an event asking for an ack; the future completes with the ack's arguments. */
  CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
    CompletableFuture<List<Object>> answer = new CompletableFuture<>();
    socket.emit(event, args, (Ack) ackArgs -> answer.complete(Arrays.asList(ackArgs)));
    return answer;
  }

  /** Emits an event and waits for the ack's arguments. */
  List<Object> request(String event, Object... args) {
    return Await.result(emitWithAck(event, args));
  }

  /** Closes the socket (and its manager when no other socket of it is active); stops reconnecting. */
  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return "TestClient{id=" + socket.id() + '}';
  }
}
