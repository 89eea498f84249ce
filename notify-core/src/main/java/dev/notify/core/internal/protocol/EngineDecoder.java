package dev.notify.core.internal.protocol;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Decodes Engine.IO v4 packets: one WebSocket frame, or an HTTP long-polling payload of packets separated by
 * {@code 0x1E} with binary packets as {@code b} + base64. Stateless and thread-safe.
 */
public final class EngineDecoder {

  /** The record separator between packets of a long-polling payload. */
  public static final char SEPARATOR = '\u001e';

  private EngineDecoder() {
  }

  /** Decodes the text of one WebSocket frame. */
  public static EnginePacket decode(String frame) {
    if (frame.isEmpty()) {
      throw new ProtocolException("empty Engine.IO packet");
    }
    EnginePacketType type = EnginePacketType.fromCode(frame.charAt(0));
    return new EnginePacket(type, frame.substring(1), null);
  }

  /** Decodes a binary WebSocket frame: always a message. */
  public static EnginePacket decode(byte[] frame) {
    return new EnginePacket(EnginePacketType.MESSAGE, "", frame);
  }

  /** Decodes a long-polling payload into its packets, in order. */
  public static List<EnginePacket> decodePayload(String payload) {
    if (payload.isEmpty()) {
      throw new ProtocolException("empty long-polling payload");
    }
    List<EnginePacket> packets = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = payload.indexOf(SEPARATOR, start);
      String packet = payload.substring(start, end < 0 ? payload.length() : end);
      packets.add(decodePayloadPacket(packet));
      if (end < 0) {
        return packets;
      }
      start = end + 1;
    }
  }

  private static EnginePacket decodePayloadPacket(String packet) {
    if (!packet.isEmpty() && packet.charAt(0) == 'b') {
      try {
        String base64 = packet.substring(1);
        // The Java client (io.socket:engine.io-client 2.x, Android-style Base64.DEFAULT) wraps its base64 every
        // 76 characters and ends it with '\n'; the reference server (Node's Buffer.from(s, "base64")) ignores line
        // breaks, so drop them before the strict decode. Any other stray character is still refused.
        if (base64.indexOf('\n') >= 0 || base64.indexOf('\r') >= 0) {
          base64 = base64.replace("\n", "").replace("\r", "");
        }
        return decode(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        throw new ProtocolException("invalid base64 in binary packet: " + e.getMessage(), e);
      }
    }
    return decode(packet);
  }
}
