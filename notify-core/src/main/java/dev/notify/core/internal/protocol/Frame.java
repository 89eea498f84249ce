package dev.notify.core.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One encoded Engine.IO packet, ready for the wire: the text of a WebSocket text frame (type digit included) or
 * the bytes of a binary message. A broadcast encodes its frames once and hands the same instances to every
 * target, so a frame and its bytes must never be modified. Immutable.
 *
 * <p>A text frame also gives its UTF-8 bytes ({@link #utf8()}), and any frame its whole WebSocket message
 * ({@link #webSocketMessage()}), each built once on first use: a transport that writes bytes writes the same array
 * to every target instead of encoding the text, or framing the message, once per target.
 */
public final class Frame {

  public static final Frame PING = text("2");
  public static final Frame PONG = text("3");
  public static final Frame PONG_PROBE = text("3probe");
  public static final Frame NOOP = text("6");
  public static final Frame CLOSE = text("1");

  private final String text;
  private final byte[] binary;
  /** The UTF-8 of {@code text}, once asked for; a racing thread may encode it again, to equal bytes. */
  private volatile byte[] utf8;
  /** The whole WebSocket message a server sends, once asked for; racing threads may build equal copies. */
  private volatile byte[] webSocketMessage;

  private Frame(String text, byte[] binary) {
    this.text = text;
    this.binary = binary;
  }

  /** A text frame; {@code wire} starts with the Engine.IO packet type digit. */
  public static Frame text(String wire) {
    return new Frame(Objects.requireNonNull(wire, "wire"), null);
  }

  /** A binary Engine.IO message; the array is kept, not copied. */
  public static Frame binary(byte[] data) {
    return new Frame(null, Objects.requireNonNull(data, "data"));
  }

  public boolean isBinary() {
    return binary != null;
  }

  /** The wire text of a text frame. */
  public String text() {
    if (text == null) {
      throw new IllegalStateException("binary frame has no text");
    }
    return text;
  }

  /**
   * The UTF-8 bytes of a text frame, encoded on the first call and the same array afterwards; shared, never modify
   * them.
   */
  public byte[] utf8() {
    byte[] bytes = utf8;
    if (bytes == null) {
      bytes = text().getBytes(StandardCharsets.UTF_8);
      utf8 = bytes;
    }
    return bytes;
  }

  /**
   * The frame as one unmasked, unfragmented WebSocket message of RFC 6455 (the header, then the UTF-8 text or the
   * binary data), built on the first call and the same array afterwards: a server writes these exact bytes to every
   * client that agreed to no extension, so a broadcast frames its message once, not once per target. Shared, never
   * modify them.
   */
  public byte[] webSocketMessage() {
    byte[] message = webSocketMessage;
    if (message == null) {
      // not through utf8(): that would keep a second copy of the payload for the frame's life
      message = frame(binary != null ? 0x2 : 0x1, binary != null ? binary : text.getBytes(StandardCharsets.UTF_8));
      webSocketMessage = message;
    }
    return message;
  }

  private static byte[] frame(int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] message = new byte[header + n];
    message[0] = (byte) (0x80 | opcode); // FIN: the whole message in one frame
    if (n < 126) {
      message[1] = (byte) n;
    } else if (n <= 0xFFFF) {
      message[1] = 126;
      message[2] = (byte) (n >>> 8);
      message[3] = (byte) n;
    } else {
      message[1] = 127;
      for (int i = 0; i < 8; i++) {
        message[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, message, header, n);
    return message;
  }

  /** The bytes of a binary frame; shared, never modify them. */
  public byte[] binary() {
    if (binary == null) {
      throw new IllegalStateException("text frame has no binary data");
    }
    return binary;
  }

  /**
   * The frame's length: bytes of a binary frame, characters of a text one. About what it holds in memory (the
   * JVM stores ASCII and Latin-1 strings a byte per character), and never more than its size on the wire.
   */
  public int length() {
    return binary != null ? binary.length : text.length();
  }

  @Override
  public String toString() {
    if (binary != null) {
      return "Frame<" + binary.length + " bytes>";
    }
    return text.length() <= 80 ? "Frame[" + text + "]" : "Frame[" + text.substring(0, 77) + "...]";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Frame other)) {
      return false;
    }
    return binary != null ? other.binary != null && Arrays.equals(binary, other.binary)
        : text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return binary != null ? Arrays.hashCode(binary) : text.hashCode();
  }
}
