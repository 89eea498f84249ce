package dev.notify.redis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.internal.Trees;
import dev.notify.core.server.RecoveryStore.Session;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.msgpack.core.MessagePackException;

/**
 * The Redis shapes of the recovery store: an event as the fields of a stream entry, a session as JSON.
 *
 * <p>Entry fields: {@code rooms} and {@code except} (JSON arrays of room names), {@code event}, {@code format}
 * ({@code json}, or {@code msgpack} when an argument holds binary data) and {@code args} (the arguments without the
 * offset: a JSON array, or the base64 of a msgpack array whose binary values are msgpack {@code bin}). Session:
 * {@code {"nsp","pid","sid","rooms":[...],"data":{...},"disconnectedAt":<epoch ms>}}.
 *
 * <p>Thread-safe (the mapper is).
 */
public final class RecoveryCodec {

  static final String ROOMS = "rooms";
  static final String EXCEPT = "except";
  static final String EVENT = "event";
  static final String FORMAT = "format";
  static final String ARGS = "args";
  static final String JSON_FORMAT = "json";
  static final String MSGPACK_FORMAT = "msgpack";

  /** An event read back from the stream. */
  public record StoredEvent(Set<String> rooms, Set<String> except, String event, List<JsonNode> args) {

    /** Whether a socket in {@code rooms} (its own id among them) was a target, as the in-memory store decides. */
    public boolean targets(Set<String> socketRooms) {
      if (!Collections.disjoint(except, socketRooms)) {
        return false;
      }
      return rooms.isEmpty() || !Collections.disjoint(rooms, socketRooms);
    }
  }

  private final ObjectMapper mapper;

  /** @param mapper the server's mapper, for the arguments and the socket data */
  public RecoveryCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The fields of an event's stream entry.
   *
   * @throws IllegalArgumentException when the mapper cannot serialize an argument
   */
  public Map<String, String> entry(BroadcastOptions targets, String event, Object[] args) {
    ArrayNode array = Payloads.NODES.arrayNode(args.length);
    for (Object arg : args) {
      array.add(Trees.toTree(mapper, arg));
    }
    Map<String, String> fields = new LinkedHashMap<>(8);
    fields.put(ROOMS, names(targets.rooms()));
    fields.put(EXCEPT, names(targets.except()));
    fields.put(EVENT, event);
    if (Payloads.hasBinary(array)) {
      fields.put(FORMAT, MSGPACK_FORMAT);
      fields.put(ARGS, Base64.getEncoder().encodeToString(Payloads.msgpack(array)));
    } else {
      fields.put(FORMAT, JSON_FORMAT);
      fields.put(ARGS, new String(Payloads.json(array), java.nio.charset.StandardCharsets.UTF_8));
    }
    return fields;
  }

  /** Reads an entry's fields back. */
  public StoredEvent event(Map<String, String> fields) throws MalformedMessageException {
    String event = fields.get(EVENT);
    String args = fields.get(ARGS);
    if (event == null || args == null) {
      throw new MalformedMessageException("recovery-entry", "stream entry without event or args: " + fields.keySet());
    }
    JsonNode array;
    try {
      String format = fields.getOrDefault(FORMAT, JSON_FORMAT);
      if (MSGPACK_FORMAT.equals(format)) {
        array = Payloads.MSGPACK.readTree(Base64.getDecoder().decode(args));
      } else if (JSON_FORMAT.equals(format)) {
        array = Payloads.JSON.readTree(args);
      } else {
        throw new MalformedMessageException("recovery-entry", "unknown args format " + format);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedMessageException("recovery-entry", "unreadable args: " + e.getMessage(), e);
    } catch (MessagePackException e) {
      // msgpack-core's own unchecked exceptions: truncated input, a reserved format byte, a length past the end
      throw new MalformedMessageException("recovery-entry", "unreadable args: " + e, e);
    }
    if (array == null || !array.isArray()) {
      throw new MalformedMessageException("recovery-entry", "args is not an array");
    }
    List<JsonNode> list = new ArrayList<>(array.size());
    array.forEach(list::add);
    return new StoredEvent(rooms(fields.get(ROOMS), ROOMS), rooms(fields.get(EXCEPT), EXCEPT), event, list);
  }

  /**
   * A session as JSON. Each data value goes through the mapper on its own; one it cannot serialize is left out and
   * reported to {@code dropped} (key, error).
   */
  public String session(Session session, BiConsumer<String, Exception> dropped) {
    ObjectNode node = Payloads.NODES.objectNode();
    node.put("nsp", session.namespace());
    node.put("pid", session.pid());
    node.put("sid", session.socketId());
    ArrayNode rooms = node.putArray(ROOMS);
    session.rooms().forEach(rooms::add);
    ObjectNode data = node.putObject("data");
    for (Map.Entry<String, Object> e : session.data().entrySet()) {
      try {
        data.set(e.getKey(), Trees.toTree(mapper, e.getValue()));
      } catch (IllegalArgumentException ex) {
        dropped.accept(e.getKey(), ex);
      }
    }
    node.put("disconnectedAt", session.disconnectedAt().toEpochMilli());
    return new String(Payloads.json(node), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Reads a session back; data values come back JSON-shaped (maps, lists, strings, numbers, booleans). */
  public Session session(String json) throws MalformedMessageException {
    JsonNode node;
    try {
      node = Payloads.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("recovery-session", "unreadable session: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.path("nsp").isTextual() || !node.path("pid").isTextual()
        || !node.path("sid").isTextual()) {
      throw new MalformedMessageException("recovery-session", "session without nsp, pid or sid");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.path("data").properties()) {
      Object value;
      try {
        value = mapper.treeToValue(e.getValue(), Object.class);
      } catch (JsonProcessingException ex) {
        throw new MalformedMessageException("recovery-session", "unreadable data " + e.getKey(), ex);
      }
      if (value != null) {
        data.put(e.getKey(), value);
      }
    }
    return new Session(node.get("nsp").textValue(), node.get("pid").textValue(), node.get("sid").textValue(),
        Payloads.strings(node.get(ROOMS), ROOMS), data, Instant.ofEpochMilli(node.path("disconnectedAt").asLong()));
  }

  private static Set<String> rooms(String json, String what) throws MalformedMessageException {
    if (json == null) {
      return Set.of();
    }
    try {
      return Payloads.strings(Payloads.JSON.readTree(json), what);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("recovery-entry", "unreadable " + what + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String names(Collection<String> rooms) {
    ArrayNode array = Payloads.NODES.arrayNode(rooms.size());
    rooms.forEach(array::add);
    return new String(Payloads.json(array), java.nio.charset.StandardCharsets.UTF_8);
  }
}
