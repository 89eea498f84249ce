package dev.notify.core.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One decoded Socket.IO packet. Binary attachments are already put back in place, as Jackson
 * {@link com.fasterxml.jackson.databind.node.BinaryNode}s, so {@code data} is the whole payload. Immutable once
 * the decoder hands it out.
 *
 * @param type the packet type (binary types stay binary, so a reply can tell)
 * @param namespace the namespace, {@code "/"} when the packet names none
 * @param ackId the acknowledgement id, or {@link #NO_ACK}
 * @param data the payload, or {@code null} when the packet has none
 */
public record SocketPacket(SocketPacketType type, String namespace, long ackId, JsonNode data) {

  /** The {@code ackId} of a packet that asks for no acknowledgement. */
  public static final long NO_ACK = -1;

  public SocketPacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(namespace, "namespace");
  }

  public boolean hasAck() {
    return ackId != NO_ACK;
  }

  /** For events: the event name, which is the first element of the payload. */
  public String event() {
    return data.get(0).asText();
  }
}
