package dev.notify.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.SocketDetails;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * The JSON and msgpack halves shared by both wire formats: reading either (a first byte {@code '{'} means JSON, as
 * the Node adapter decides), writing trees, and the pieces every message carries (targets, socket details).
 * Stateless; thread-safe.
 */
public final class Payloads {

  /** Plain JSON for requests and responses; never the user's mapper (its settings would change the wire). */
  public static final ObjectMapper JSON = JsonMapper.builder().build();
  /**
   * msgpack, compatible with Node's notepack.io: binary values become msgpack {@code bin}; extension values
   * (a Node {@code Date}) read as {@link NotepackExtensions} says.
   */
  public static final ObjectMapper MSGPACK =
      new ObjectMapper(new MessagePackFactory().setExtTypeCustomDesers(NotepackExtensions.deserializers()));
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Payloads() {
  }

  /** Reads JSON when the first byte is {@code '{'}, else msgpack. */
  public static JsonNode read(byte[] payload) throws IOException {
    if (payload.length > 0 && payload[0] == '{') {
      return JSON.readTree(payload);
    }
    return MSGPACK.readTree(payload);
  }

  public static byte[] json(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static byte[] msgpack(JsonNode tree) {
    try {
      return MSGPACK.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write msgpack: " + e.getMessage(), e);
    }
  }

  /** Whether a tree holds a binary value anywhere. */
  public static boolean hasBinary(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isBinary()) {
      return true;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (hasBinary(child)) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- targets: {rooms, except, flags} ----

  /** {@code {rooms, except}} and, when {@code withFlags}, {@code flags} with what is set. */
  public static ObjectNode options(BroadcastOptions opts, boolean withFlags) {
    ObjectNode node = NODES.objectNode();
    ArrayNode rooms = node.putArray("rooms");
    opts.rooms().forEach(rooms::add);
    ArrayNode except = node.putArray("except");
    opts.except().forEach(except::add);
    if (withFlags) {
      node.set("flags", flags(opts));
    }
    return node;
  }

  static ObjectNode flags(BroadcastOptions opts) {
    ObjectNode flags = NODES.objectNode();
    if (opts.volatileFlag()) {
      flags.put("volatile", true);
    }
    if (opts.compress()) {
      flags.put("compress", true);
    }
    if (opts.timeout() != null) {
      flags.put("timeout", opts.timeout().toMillis());
    }
    return flags;
  }

  /** Reads {@code {rooms, except, flags}}; a missing part is empty. */
  public static BroadcastOptions readOptions(JsonNode node) throws MalformedMessageException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return BroadcastOptions.ALL;
    }
    if (!node.isObject()) {
      throw new MalformedMessageException("bad-opts", "opts is not an object: " + node.getNodeType());
    }
    JsonNode flags = node.path("flags");
    Duration timeout = flags.path("timeout").isNumber() ? Duration.ofMillis(flags.path("timeout").asLong()) : null;
    return new BroadcastOptions(strings(node.get("rooms"), "rooms"), strings(node.get("except"), "except"),
        flags.path("volatile").asBoolean(false), flags.path("compress").asBoolean(false), false, timeout);
  }

  /** An array of room names; numbers are turned into text as Node does for numeric rooms. */
  public static Set<String> strings(JsonNode node, String what) throws MalformedMessageException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw new MalformedMessageException("bad-" + what, what + " is not an array: " + node.getNodeType());
    }
    Set<String> result = new LinkedHashSet<>();
    for (JsonNode room : node) {
      if (!room.isValueNode() || room.isNull()) {
        throw new MalformedMessageException("bad-" + what, what + " holds a " + room.getNodeType());
      }
      result.add(room.asText());
    }
    return result;
  }

  // ---- socket details, the shape Node exchanges: {id, handshake, rooms, data} ----

  public static ArrayNode sockets(List<SocketDetails> sockets) {
    ArrayNode array = NODES.arrayNode(sockets.size());
    for (SocketDetails s : sockets) {
      ObjectNode node = array.addObject();
      node.put("id", s.id());
      node.set("handshake", s.handshake());
      ArrayNode rooms = node.putArray("rooms");
      s.rooms().forEach(rooms::add);
      node.set("data", s.data());
    }
    return array;
  }

  public static List<SocketDetails> readSockets(JsonNode array) throws MalformedMessageException {
    if (array == null || !array.isArray()) {
      throw new MalformedMessageException("bad-sockets", "sockets is not an array");
    }
    List<SocketDetails> result = new ArrayList<>(array.size());
    for (JsonNode s : array) {
      JsonNode id = s.get("id");
      if (id == null || !id.isTextual()) {
        throw new MalformedMessageException("bad-sockets", "a socket has no id");
      }
      JsonNode handshake = s.path("handshake");
      JsonNode data = s.get("data");
      result.add(new SocketDetails(id.textValue(), handshake.isObject() ? handshake : NODES.objectNode(),
          strings(s.get("rooms"), "rooms"), data == null ? NODES.objectNode() : data));
    }
    return result;
  }

  public static ArrayNode stringArray(Iterable<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  /** A text field, or {@code null}. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
