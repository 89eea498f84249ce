package dev.notify.core.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;

/**
 * Random JSON trees for round-trip tests: unicode strings (astral characters, control characters, the record
 * separator), nulls, booleans, integers, longs, finite doubles, nested arrays and objects, and optionally binary
 * values. Numbers are built as the node type Jackson's parser gives back, so trees compare with {@code equals}.
 */
final class RandomJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RandomJson() {
  }

  /** A random value; {@code binaryRate} of 0 gives no binary values, 1 gives one in about 6 leaves. */
  static JsonNode value(Random random, int depth, double binaryRate) {
    int kind = random.nextInt(depth <= 0 ? 6 : 8);
    return switch (kind) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> number(random);
      case 3, 4 -> NODES.textNode(string(random, 12));
      case 5 -> random.nextDouble() < binaryRate ? binary(random) : NODES.textNode(string(random, 4));
      case 6 -> array(random, depth - 1, binaryRate, random.nextInt(5));
      default -> object(random, depth - 1, binaryRate);
    };
  }

  static ArrayNode array(Random random, int depth, double binaryRate, int size) {
    ArrayNode array = NODES.arrayNode();
    for (int i = 0; i < size; i++) {
      array.add(value(random, depth, binaryRate));
    }
    return array;
  }

  static ObjectNode object(Random random, int depth, double binaryRate) {
    ObjectNode object = NODES.objectNode();
    int size = random.nextInt(5);
    for (int i = 0; i < size; i++) {
      object.set(string(random, 8), value(random, depth, binaryRate));
    }
    return object;
  }

  static BinaryNode binary(Random random) {
    byte[] data = new byte[random.nextInt(64)];
    random.nextBytes(data);
    return BinaryNode.valueOf(data);
  }

  static JsonNode number(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> NODES.numberNode(random.nextInt(100));
      case 1 -> NODES.numberNode(random.nextInt());
      // beyond int: Jackson parses these back as longs
      case 2 -> NODES.numberNode(random.nextBoolean() ? (long) Integer.MAX_VALUE + 1 + (random.nextLong() >>> 2)
          : (long) Integer.MIN_VALUE - 1 - (random.nextLong() >>> 2));
      default -> NODES.numberNode((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 10));
    };
  }

  /** Up to {@code maxLength} code points: ASCII, control characters, BMP, and astral (surrogate pairs). */
  static String string(Random random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int codePoint = switch (random.nextInt(6)) {
        case 0 -> random.nextInt(0x20);                      // control characters, \u001e included
        case 1 -> "\"\\/,-[]{}0123456789".charAt(random.nextInt(19)); // JSON and Socket.IO syntax
        case 2 -> 0x20 + random.nextInt(0x5f);                // printable ASCII
        case 3 -> 0xa0 + random.nextInt(0xd800 - 0xa0);       // BMP below the surrogates
        case 4 -> 0xe000 + random.nextInt(0xfffe - 0xe000);   // BMP above the surrogates
        default -> 0x10000 + random.nextInt(0x10ffff - 0x10000); // astral: a surrogate pair in Java
      };
      sb.appendCodePoint(codePoint);
    }
    return sb.toString();
  }
}
