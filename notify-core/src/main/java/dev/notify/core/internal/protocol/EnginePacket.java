package dev.notify.core.internal.protocol;

import java.util.Objects;

/**
 * One decoded Engine.IO packet: a type and an optional text or binary payload. Only {@code MESSAGE} packets carry
 * binary data. Immutable.
 *
 * @param type the packet type
 * @param text the text payload, empty when there is none or when the payload is binary
 * @param binary the binary payload of a binary message, else {@code null}
 */
public record EnginePacket(EnginePacketType type, String text, byte[] binary) {

  public EnginePacket {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(text, "text");
  }

  public boolean isBinary() {
    return binary != null;
  }

  @Override
  public String toString() {
    return isBinary() ? type + "<" + binary.length + " bytes>" : type + (text.isEmpty() ? "" : " " + text);
  }
}
