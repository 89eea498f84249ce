package dev.notify.netty;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client written by hand on a plain socket, for what no real client does: it opens the Engine.IO
 * WebSocket, joins the main namespace, then never reads another byte, or reads frames as they are on the wire. Its receive buffer is small and fixed, so the
 * kernel holds little of what the server sends it.
 */
final class RawWebSocket implements AutoCloseable {

  private static final int RECEIVE_BUFFER = 8 * 1024;

  private final Socket socket;
  private final String head;

  private RawWebSocket(Socket socket, String head) {
    this.socket = socket;
    this.head = head;
  }

  /** The server's 101 response head. */
  String head() {
    return head;
  }

  /** One frame from the server: its first byte (FIN, RSV1-3, opcode) and its payload as sent. */
  record ServerFrame(int first, byte[] payload) {
    boolean compressed() {
      return (first & 0x40) != 0;
    }
  }

  /** Reads the next frame the server sent (servers never mask). */
  ServerFrame readFrame() throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new ServerFrame(first, payload);
  }

  /** Opens {@code ws://127.0.0.1:port/socket.io/}, reads the 101 response and sends the Socket.IO CONNECT. */
  static RawWebSocket connect(int port) throws IOException {
    return connect(port, null);
  }

  /** The same, offering {@code extensions} ({@code Sec-WebSocket-Extensions}) when not null. */
  static RawWebSocket connect(int port, String extensions) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(RECEIVE_BUFFER);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("notify-raw-client".getBytes(StandardCharsets.US_ASCII));
    OutputStream out = socket.getOutputStream();
    out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n"
        + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
        + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("no upgrade: " + head);
    }
    RawWebSocket raw = new RawWebSocket(socket, head);
    raw.sendText("40");
    return raw;
  }

  /** The local port: the server sees it as the connection's remote port. */
  int localPort() {
    return socket.getLocalPort();
  }

  /** Sends one masked text frame (at most 125 bytes). */
  void sendText(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    frame.write(0x80 | payload.length);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    socket.getOutputStream().write(frame.toByteArray());
    socket.getOutputStream().flush();
  }

  /** Reads the response head byte by byte, so that nothing after it is taken from the socket. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.write(b);
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
