package dev.notify.jakarta.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.jakarta.testing.Await;
import dev.notify.jakarta.testing.EventLog;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * One device of a user: a real {@code io.socket:socket.io-client} socket that records what it receives, in
 * arrival order, with the time it arrived, and acknowledges the events it was told to ({@link #autoAck}).
 *
 * <p>The Java client runs every listener on one event thread in the order packets arrived: once a device recorded
 * an event, it recorded everything the server sent it before.
 */
final class Device implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Something the device received: the event, its arguments as JSON, when, and its ack if one was asked for. */
  record Event(String name, List<JsonNode> args, long nanoTime, Ack ack) {
    JsonNode arg(int index) {
      return args.get(index);
    }
  }

  private final Socket socket;
  private final Consumer<String> awaitServerReady;
  private final Set<String> autoAck = ConcurrentHashMap.newKeySet();
  private final EventLog<Event> received = new EventLog<>(Event::name);

  /**
   * @param awaitServerReady waits until the server finished handling the connection of the socket with this id
   */
  Device(Socket socket, Consumer<String> awaitServerReady) {
    this.socket = socket;
    this.awaitServerReady = awaitServerReady;
    socket.onAnyIncoming(args -> {
      long now = System.nanoTime();
      List<Object> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
      Ack ack = !rest.isEmpty() && rest.get(rest.size() - 1) instanceof Ack a ? a : null;
      if (ack != null) {
        rest.remove(rest.size() - 1);
      }
      String name = String.valueOf(args[0]);
      record(new Event(name, rest.stream().map(Device::toJson).toList(), now, ack));
      if (ack != null && autoAck.contains(name)) {
        ack.call();
      }
    });
    for (String lifecycle : List.of(Socket.EVENT_CONNECT, Socket.EVENT_DISCONNECT, Socket.EVENT_CONNECT_ERROR)) {
      socket.on(lifecycle, args -> record(new Event(lifecycle, Arrays.stream(args).map(Device::toJson).toList(),
          System.nanoTime(), null)));
    }
  }

  /** Acknowledges every {@code event} from now on, as soon as it arrives. */
  Device autoAck(String... events) {
    autoAck.addAll(List.of(events));
    return this;
  }

  /** Stops acknowledging {@code event}. */
  Device stopAcking(String event) {
    autoAck.remove(event);
    return this;
  }

  /**
   * Connects and waits for {@code connect}, then for the server's connection handlers to have run: the client
   * hears of its connection before the server's handlers put it in the user's room and sent the catch-up batch.
   */
  Device connect() {
    socket.connect();
    awaitEvent(Socket.EVENT_CONNECT);
    awaitServerReady.accept(socket.id());
    return this;
  }

  Socket socket() {
    return socket;
  }

  /** Waits for the next {@code name} event not awaited yet and hands it out; others stay available. */
  Event awaitEvent(String name) {
    return received.await(name);
  }

  /** The first argument of the next {@code name} event. */
  JsonNode awaitPayload(String name) {
    return awaitEvent(name).arg(0);
  }

  /** The names of everything received so far, in order, lifecycle events included. */
  List<String> eventNames() {
    return received.names();
  }

  /** Everything received so far with this name, in order. */
  List<Event> events(String name) {
    return received.named(name);
  }

  /** Emits an event asking for an ack; the future completes with the ack's first argument as JSON. */
  CompletableFuture<JsonNode> emitWithAck(String event, Object... args) {
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    socket.emit(event, args, (Ack) ackArgs -> answer.complete(ackArgs.length == 0 ? null : toJson(ackArgs[0])));
    return answer;
  }

  /** Emits an event and waits for the first argument of its ack. */
  JsonNode request(String event, Object... args) {
    return Await.result(emitWithAck(event, args));
  }

  @Override
  public void close() {
    socket.close();
  }

  private void record(Event event) {
    received.record(event);
  }

  /** org.json values (what the Java client hands out) as Jackson trees. */
  static JsonNode toJson(Object value) {
    try {
      if (value instanceof JSONObject || value instanceof JSONArray) {
        return JSON.readTree(value.toString());
      }
      if (value == null || value == JSONObject.NULL) {
        return JSON.nullNode();
      }
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        return JSON.valueToTree(value);
      }
      return JSON.getNodeFactory().textNode(String.valueOf(value)); // a connect_error's exception, say
    } catch (JsonProcessingException e) {
      throw new AssertionError("the client handed out unreadable JSON: " + value, e);
    }
  }

  /** A JSON array for the Java client to send. */
  static JSONArray array(Object... values) {
    return new JSONArray(Arrays.asList(values));
  }

  /** A JSON object for the Java client to send. */
  static JSONObject object(Object... keysAndValues) {
    try {
      JSONObject object = new JSONObject();
      for (int i = 0; i < keysAndValues.length; i += 2) {
        object.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
      return object;
    } catch (JSONException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
