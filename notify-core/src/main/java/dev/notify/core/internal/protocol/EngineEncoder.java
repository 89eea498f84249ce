package dev.notify.core.internal.protocol;

import java.util.Base64;
import java.util.List;

/** Encodes Engine.IO v4 packets into frames and long-polling payloads. Stateless and thread-safe. */
public final class EngineEncoder {

  private EngineEncoder() {
  }

  /**
   * The {@code open} packet of the handshake.
   *
   * @param sid the session id; must not need JSON escaping (ours are base64url)
   * @param upgrades the transports the client may upgrade to
   */
  public static Frame open(String sid, List<String> upgrades, long pingInterval, long pingTimeout,
      long maxPayload) {
    StringBuilder sb = new StringBuilder(128).append("0{\"sid\":\"").append(sid).append("\",\"upgrades\":[");
    for (int i = 0; i < upgrades.size(); i++) {
      sb.append(i == 0 ? "\"" : ",\"").append(upgrades.get(i)).append('"');
    }
    return Frame.text(sb.append("],\"pingInterval\":").append(pingInterval)
        .append(",\"pingTimeout\":").append(pingTimeout)
        .append(",\"maxPayload\":").append(maxPayload).append('}').toString());
  }

  /** A text message; {@code data} is what follows the {@code 4}. */
  public static Frame message(String data) {
    return Frame.text(EnginePacketType.MESSAGE.code() + data);
  }

  /** A binary message. */
  public static Frame message(byte[] data) {
    return Frame.binary(data);
  }

  /** A long-polling payload: frames joined by {@code 0x1E}, binary ones as {@code b} + base64. */
  public static String encodePayload(List<Frame> frames) {
    if (frames.size() == 1 && !frames.get(0).isBinary()) {
      return frames.get(0).text();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        sb.append(EngineDecoder.SEPARATOR);
      }
      Frame frame = frames.get(i);
      if (frame.isBinary()) {
        sb.append('b').append(Base64.getEncoder().encodeToString(frame.binary()));
      } else {
        sb.append(frame.text());
      }
    }
    return sb.toString();
  }
}
