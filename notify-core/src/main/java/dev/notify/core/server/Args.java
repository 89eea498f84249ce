package dev.notify.core.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The arguments of an event or an acknowledgement, as the client sent them: JSON values, with binary
 * attachments as {@link com.fasterxml.jackson.databind.node.BinaryNode}s. Read them as trees, or convert them
 * with the server's Jackson mapper. Immutable view; thread-safe.
 *
 * <pre>{@code
 * socket.on("order:create", (args, ack) -> {
 *   Order order = args.get(0, Order.class);
 *   byte[] attachment = args.getBytes(1);
 *   ack.send("ok");
 * });
 * }</pre>
 */
public final class Args {

  private final List<JsonNode> values;
  private final ObjectMapper mapper;

  Args(List<JsonNode> values, ObjectMapper mapper) {
    this.values = values;
    this.mapper = mapper;
  }

  /** The elements of a JSON array from {@code offset} on. */
  static Args of(JsonNode array, int offset, ObjectMapper mapper) {
    int size = Math.max(0, array.size() - offset);
    List<JsonNode> values = new ArrayList<>(size);
    for (int i = offset; i < array.size(); i++) {
      values.add(array.get(i));
    }
    return new Args(Collections.unmodifiableList(values), mapper);
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The argument at {@code index} as a JSON tree; a {@link MissingNode} past the end. */
  public JsonNode get(int index) {
    return index >= 0 && index < values.size() ? values.get(index) : MissingNode.getInstance();
  }

  /**
   * The argument at {@code index} converted by the server's mapper, or {@code null} past the end.
   *
   * @throws IllegalArgumentException when it does not convert to {@code type}
   */
  public <T> T get(int index, Class<T> type) {
    Objects.requireNonNull(type, "type");
    JsonNode node = get(index);
    return node.isMissingNode() ? null : mapper.convertValue(node, type);
  }

  /** Like {@link #get(int, Class)}, for generic types. */
  public <T> T get(int index, TypeReference<T> type) {
    Objects.requireNonNull(type, "type");
    JsonNode node = get(index);
    return node.isMissingNode() ? null : mapper.convertValue(node, type);
  }

  /** The argument at {@code index} as text, or {@code null} when it is missing or JSON null. */
  public String getString(int index) {
    JsonNode node = get(index);
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  /** The binary argument at {@code index}, or {@code null} when it is missing or not binary. */
  public byte[] getBytes(int index) {
    return get(index) instanceof BinaryNode binary ? binary.binaryValue() : null;
  }

  /** All arguments as JSON trees. */
  public List<JsonNode> values() {
    return values;
  }

  /** All arguments, to pass on as they came: {@code socket.emit("echo", args.toArray())}. */
  public Object[] toArray() {
    return values.toArray();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
