package dev.notify.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.msgpack.jackson.dataformat.ExtensionTypeCustomDeserializers;

/**
 * msgpack extension values as Node's side sees them. notepack.io writes a {@code Date} as the msgpack timestamp
 * (type -1); a Node server would hand it to socket.io-parser, whose {@code JSON.stringify} sends the ISO string
 * of {@code Date.toISOString()}, so it becomes that string here. Any other type reads as notepack reads it:
 * {@code [type, <binary>]}. Without this, such a value would be a tree node no encoder can write.
 */
final class NotepackExtensions {

  private static final byte TIMESTAMP = -1;
  /** {@code Date.toISOString()}: always milliseconds, always UTC. */
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private NotepackExtensions() {
  }

  static ExtensionTypeCustomDeserializers deserializers() {
    ExtensionTypeCustomDeserializers deserializers = new ExtensionTypeCustomDeserializers();
    deserializers.addCustomDeser(TIMESTAMP, NotepackExtensions::timestamp);
    for (int type = Byte.MIN_VALUE; type <= Byte.MAX_VALUE; type++) {
      if (type != TIMESTAMP) {
        byte extType = (byte) type;
        deserializers.addCustomDeser(extType, data -> other(extType, data));
      }
    }
    return deserializers;
  }

  /** The three timestamp sizes of the msgpack spec, to the millisecond as a JavaScript {@code Date} keeps it. */
  static JsonNode timestamp(byte[] data) {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    long seconds;
    long nanos;
    switch (data.length) {
      case 4 -> {
        seconds = Integer.toUnsignedLong(buffer.getInt());
        nanos = 0;
      }
      case 8 -> {
        long both = buffer.getLong();
        nanos = both >>> 34;
        seconds = both & 0x3_FFFF_FFFFL;
      }
      case 12 -> {
        nanos = Integer.toUnsignedLong(buffer.getInt());
        seconds = buffer.getLong();
      }
      default -> {
        return other(TIMESTAMP, data);
      }
    }
    try {
      return JsonNodeFactory.instance.textNode(ISO.format(Instant.ofEpochSecond(seconds, nanos)));
    } catch (RuntimeException outOfRange) {
      return JsonNodeFactory.instance.nullNode();
    }
  }

  private static JsonNode other(byte type, byte[] data) {
    ArrayNode pair = JsonNodeFactory.instance.arrayNode(2);
    pair.add(type);
    pair.add(data);
    return pair;
  }
}
