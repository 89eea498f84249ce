package dev.notify.core.internal.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the Socket.IO v5 packets of one connection: text packets as the Engine.IO message payload (without the
 * leading {@code 4}), followed, for binary packets, by their attachments as binary messages.
 *
 * <p>Input is checked as strictly as the reference parser: unknown types, bad attachment counts, bad ack ids,
 * invalid JSON, payloads of the wrong shape, reserved event names, placeholders that do not match the announced
 * attachments, and attachments out of turn all raise {@link ProtocolException}.
 *
 * <p>After a {@link ProtocolException} the decoder stays usable: a rejected packet leaves nothing pending, and a
 * text packet rejected while attachments are awaited leaves the packet under reconstruction waiting for them, as
 * in the reference parser.
 *
 * <p>Not thread-safe: one instance per connection, fed by one thread at a time.
 */
public final class SocketPacketDecoder {

  /** Event names a client may not send, as in the reference implementation. */
  public static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  /** Defaults to {@value}: binary attachments one packet may announce. */
  public static final int DEFAULT_MAX_ATTACHMENTS = 100;
  /** Defaults to {@value} bytes: the attachments of one packet together. */
  public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 1_000_000;

  private static final int MAX_ACK_ID_DIGITS = 15;
  private static final int MAX_ATTACHMENT_DIGITS = 6;

  private final ObjectReader reader;
  private final int maxAttachments;
  private final long maxAttachmentBytes;
  private SocketPacket pending;
  private List<byte[]> attachments;
  private int expected;
  /** Bytes of the attachments received so far for the packet under reconstruction. */
  private long pendingBytes;

  /** A decoder with the default limits: {@value #DEFAULT_MAX_ATTACHMENTS} attachments of 1,000,000 bytes in all. */
  public SocketPacketDecoder(ObjectMapper mapper) {
    this(mapper.reader(), DEFAULT_MAX_ATTACHMENTS, DEFAULT_MAX_ATTACHMENT_BYTES);
  }

  /**
   * A decoder reading payloads with {@code reader}, with {@code FAIL_ON_TRAILING_TOKENS} turned on. Servers make
   * one decoder per connection: give them all one reader that has it on already (see {@link #payloadReader}), and
   * no connection holds a reader of its own.
   *
   * @param maxAttachments the most binary attachments one packet may announce; more is refused as too large
   * @param maxAttachmentBytes the most bytes of one packet's attachments together (its text is one Engine.IO
   *     message, bounded by the transport); a packet past it is refused as soon as the attachment that takes it
   *     there arrives
   */
  public SocketPacketDecoder(ObjectReader reader, int maxAttachments, long maxAttachmentBytes) {
    if (maxAttachments < 0) {
      throw new IllegalArgumentException("maxAttachments must be >= 0, was " + maxAttachments);
    }
    if (maxAttachmentBytes <= 0) {
      throw new IllegalArgumentException("maxAttachmentBytes must be > 0, was " + maxAttachmentBytes);
    }
    this.reader = payloadReader(reader);
    this.maxAttachments = maxAttachments;
    this.maxAttachmentBytes = maxAttachmentBytes;
  }

  /** {@code reader} with {@code FAIL_ON_TRAILING_TOKENS}: the same instance when it has it on already. */
  public static ObjectReader payloadReader(ObjectReader reader) {
    return reader.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Whether the decoder waits for binary attachments of a packet. */
  public boolean awaitsAttachments() {
    return pending != null;
  }

  /**
   * Decodes a text packet.
   *
   * @return the packet, or {@code null} when it announced attachments that have yet to come
   */
  public SocketPacket decode(String text) {
    if (pending != null) {
      throw new ProtocolException("expected binary attachment " + attachments.size() + " of " + expected
          + ", got a text packet");
    }
    if (text.isEmpty()) {
      throw new ProtocolException("empty Socket.IO packet");
    }
    SocketPacketType type = SocketPacketType.fromCode(text.charAt(0));
    int pos = 1;
    int count = 0;
    if (type.isBinary()) {
      int dash = text.indexOf('-', pos);
      if (dash < 0 || dash == pos || dash - pos > MAX_ATTACHMENT_DIGITS || !digits(text, pos, dash)) {
        throw new ProtocolException("illegal attachments");
      }
      count = Integer.parseInt(text, pos, dash, 10);
      if (count > maxAttachments) {
        throw ProtocolException.tooLarge("packet announces " + count + " attachments, more than the "
            + maxAttachments + " allowed");
      }
      pos = dash + 1;
    }
    String namespace = "/";
    if (pos < text.length() && text.charAt(pos) == '/') {
      int comma = text.indexOf(',', pos);
      int end = comma < 0 ? text.length() : comma;
      namespace = text.substring(pos, end);
      pos = comma < 0 ? end : end + 1;
    }
    long ackId = SocketPacket.NO_ACK;
    int idStart = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos > idStart) {
      if (pos - idStart > MAX_ACK_ID_DIGITS) {
        throw new ProtocolException("invalid ack id: more than " + MAX_ACK_ID_DIGITS + " digits");
      }
      ackId = Long.parseLong(text, idStart, pos, 10);
    }
    JsonNode data = pos < text.length() ? parse(text.substring(pos)) : null;
    validate(type, ackId, data);

    SocketPacket packet = new SocketPacket(type, namespace, ackId, data);
    if (type.isBinary()) {
      // also with 0 attachments announced: a placeholder must not stay unresolved in the payload
      checkPlaceholders(data, count);
    }
    if (count == 0) {
      return packet;
    }
    pending = packet;
    expected = count;
    attachments = new ArrayList<>(count);
    pendingBytes = 0;
    return null;
  }

  /**
   * Decodes a binary attachment.
   *
   * @return the completed packet once its last attachment arrived, else {@code null}
   */
  public SocketPacket decode(byte[] attachment) {
    if (pending == null) {
      throw new ProtocolException("unexpected binary data: no packet announced attachments");
    }
    pendingBytes += attachment.length;
    if (pendingBytes > maxAttachmentBytes) {
      String detail = "attachments of one packet exceed " + maxAttachmentBytes + " bytes: " + pendingBytes
          + " bytes at attachment " + (attachments.size() + 1) + " of " + expected;
      pending = null;
      attachments = null;
      throw ProtocolException.tooLarge(detail);
    }
    attachments.add(attachment);
    if (attachments.size() < expected) {
      return null;
    }
    SocketPacket packet = pending;
    JsonNode data = reconstruct(packet.data(), attachments);
    pending = null;
    attachments = null;
    return new SocketPacket(packet.type(), packet.namespace(), packet.ackId(), data);
  }

  private JsonNode parse(String json) {
    try {
      return reader.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("invalid payload: " + e.getOriginalMessage(), e);
    }
  }

  private static void validate(SocketPacketType type, long ackId, JsonNode data) {
    switch (type) {
      case CONNECT -> {
        if (data != null && !data.isObject()) {
          throw new ProtocolException("invalid payload: CONNECT takes an object");
        }
      }
      case DISCONNECT -> {
        if (data != null) {
          throw new ProtocolException("invalid payload: DISCONNECT takes none");
        }
      }
      case CONNECT_ERROR -> {
        if (data == null || !(data.isObject() || data.isTextual())) {
          throw new ProtocolException("invalid payload: CONNECT_ERROR takes an object or a string");
        }
      }
      case EVENT, BINARY_EVENT -> {
        if (data == null || !data.isArray() || data.isEmpty()) {
          throw new ProtocolException("invalid payload: an event takes a non-empty array");
        }
        JsonNode name = data.get(0);
        if (!(name.isTextual() || name.isNumber())) {
          throw new ProtocolException("invalid payload: the event name must be a string");
        }
        if (name.isTextual() && RESERVED_EVENTS.contains(name.textValue())) {
          throw new ProtocolException("invalid payload: '" + name.textValue() + "' is a reserved event name");
        }
      }
      case ACK, BINARY_ACK -> {
        if (ackId == SocketPacket.NO_ACK) {
          throw new ProtocolException("invalid ack id: an acknowledgement needs one");
        }
        if (data == null || !data.isArray()) {
          throw new ProtocolException("invalid payload: an acknowledgement takes an array");
        }
      }
      default -> throw new AssertionError(type);
    }
  }

  /** Every announced attachment is referenced once, and nothing else is. */
  private static void checkPlaceholders(JsonNode data, int count) {
    BitSet seen = new BitSet(count);
    int found = collect(data, count, seen, 0);
    if (found != count || seen.cardinality() != count) {
      throw new ProtocolException("illegal attachments: " + count + " announced, " + found
          + " placeholders found");
    }
  }

  private static int collect(JsonNode node, int count, BitSet seen, int found) {
    if (isPlaceholder(node)) {
      JsonNode num = node.get("num");
      if (!num.canConvertToInt() || num.intValue() < 0 || num.intValue() >= count) {
        throw new ProtocolException("illegal attachments: placeholder " + num + (count == 0
            ? " but no attachment announced" : " out of range 0.." + (count - 1)));
      }
      if (seen.get(num.intValue())) {
        // a duplicate would leave another attachment unreferenced; say so rather than "N announced, N found"
        throw new ProtocolException("illegal attachments: placeholder " + num + " used twice");
      }
      seen.set(num.intValue());
      return found + 1;
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        found = collect(child, count, seen, found);
      }
    }
    return found;
  }

  private static boolean isPlaceholder(JsonNode node) {
    return node.isObject() && node.path("_placeholder").asBoolean(false) && node.path("num").isIntegralNumber();
  }

  private static JsonNode reconstruct(JsonNode node, List<byte[]> attachments) {
    if (isPlaceholder(node)) {
      return BinaryNode.valueOf(attachments.get(node.get("num").intValue()));
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, reconstruct(array.get(i), attachments));
      }
    } else if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(reconstruct(field.getValue(), attachments));
      }
    }
    return node;
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
