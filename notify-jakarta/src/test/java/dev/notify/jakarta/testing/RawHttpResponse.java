package dev.notify.jakarta.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 response read byte by byte off a raw socket, for tests that write requests by hand (keep-alive, late
 * bodies): its head up to the blank line, then as many body bytes as its {@code Content-Length} says, nothing more,
 * so the connection's next response can be read after it.
 */
public record RawHttpResponse(String head, String body) {

  /** The status code of the first line. */
  public int status() {
    return Integer.parseInt(head.split(" ", 3)[1]);
  }

  /** Reads one response; an {@link EOFException} names what came before the server closed the connection. */
  public static RawHttpResponse read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!endsWithBlankLine(head)) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection after: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).strip());
      }
    }
    return new RawHttpResponse(text, new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  private static boolean endsWithBlankLine(ByteArrayOutputStream head) {
    byte[] b = head.toByteArray();
    int n = b.length;
    return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
  }
}
