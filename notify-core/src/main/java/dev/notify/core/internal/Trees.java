package dev.notify.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Event arguments as JSON trees, as cluster messages carry them. Not API: shared by notify's own modules. */
public final class Trees {

  private Trees() {
  }

  /**
   * {@code [event, ...args]} as a tree, converted once by the user's mapper (POJOs as they serialize,
   * {@code byte[]} as binary nodes).
   *
   * @throws IllegalArgumentException when the mapper cannot serialize an argument
   */
  public static ArrayNode eventData(ObjectMapper mapper, String event, Object[] args) {
    ArrayNode data = JsonNodeFactory.instance.arrayNode(args.length + 1);
    data.add(event);
    for (Object arg : args) {
      data.add(toTree(mapper, arg));
    }
    return data;
  }

  /** Any value as a tree, by the user's mapper; {@code null} stays a JSON null. */
  public static JsonNode toTree(ObjectMapper mapper, Object value) {
    if (value instanceof JsonNode node) {
      return node;
    }
    JsonNode tree = mapper.valueToTree(value);
    return tree == null ? JsonNodeFactory.instance.nullNode() : tree;
  }
}
