package dev.notify.jakarta;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.LogLimiter;
import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.NIOConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the standalone server's connections, between Grizzly's HTTP codec and the WebSocket and HTTP handlers:
 *
 * <ul>
 *   <li>an HTTP request's head must arrive within {@code headTimeout} of the connection's opening or of the
 *       previous response, and its body within {@code bodyTimeout} of its head; else the connection is closed.
 *       A connection waiting for its response (a long poll) has no deadline: the server answers it;
 *   <li>a WebSocket frame announcing more than {@code maxFrame} payload bytes closes its connection with 1009
 *       before any of it is buffered (the WebSocket engine buffers whole frames).
 * </ul>
 *
 * Deadlines are swept by {@link #sweep()}, which the standalone server runs once a second. Thread-safe.
 */
final class ConnectionGuard extends BaseFilter {

  private static final Attribute<FrameScanner> WEBSOCKET = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
      .createAttribute(ConnectionGuard.class.getName() + ".websocket");
  /** A close frame with status 1009, "message too big", as a server sends it (unmasked). */
  private static final byte[] CLOSE_TOO_BIG = {(byte) 0x88, 0x02, 0x03, (byte) 0xF1};
  /** The answer to a request whose path climbs above the root: the polling transport's "Bad request". */
  private static final byte[] BAD_PATH = ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
      + "Content-Length: 34\r\nConnection: close\r\n\r\n{\"code\":3,\"message\":\"Bad request\"}")
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** How long a request body may be awaited with reading off before {@link #sweep()} turns reading on again. */
  static final long STALLED_BODY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long headNanos;
  private final long bodyNanos;
  private final long maxFrame;
  private final Map<Connection<?>, Deadline> deadlines = new ConcurrentHashMap<>();
  private static final Logger log = LoggerFactory.getLogger(NotifyStandalone.class);
  private final LogLimiter warnings = new LogLimiter(20, 10_000);

  private record Deadline(long at, boolean body, String what) {
  }

  ConnectionGuard(Duration headTimeout, Duration bodyTimeout, long maxFrame) {
    this.headNanos = headTimeout.toNanos();
    this.bodyNanos = bodyTimeout.toNanos();
    this.maxFrame = maxFrame;
  }

  /** Puts the guard right above the HTTP codec of every listener it is registered on. */
  AddOn addOn() {
    return new AddOn() {
      @Override
      public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class) + 1, ConnectionGuard.this);
      }
    };
  }

  @Override
  public NextAction handleAccept(FilterChainContext ctx) throws IOException {
    awaitRequest(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    if (!(ctx.getMessage() instanceof HttpContent content)) {
      return ctx.getInvokeAction();
    }
    Connection<?> connection = ctx.getConnection();
    FrameScanner frames = WEBSOCKET.get(connection);
    if (frames == null) {
      HttpHeader header = content.getHttpHeader();
      if (!header.isRequest()) {
        return ctx.getInvokeAction();
      }
      if (escapesRoot(((org.glassfish.grizzly.http.HttpRequestPacket) header).getRequestURI())) {
        // Grizzly's mapper fails on these with an empty 500: answer as the polling transport answers bad requests
        deadlines.remove(connection);
        closeAfter(connection, Buffers.wrap(ctx.getMemoryManager(), BAD_PATH));
        return ctx.getStopAction();
      }
      if (!"websocket".equalsIgnoreCase(header.getUpgrade())) {
        onRequestContent(connection, content);
        return ctx.getInvokeAction();
      }
      deadlines.remove(connection);
      frames = new FrameScanner();
      WEBSOCKET.set(connection, frames);
    }
    if (frames.refused) {
      content.getContent().tryDispose();
      return ctx.getStopAction();
    }
    org.glassfish.grizzly.Buffer bytes = content.getContent();
    int start = frames.scan(bytes, maxFrame);
    if (start == FrameScanner.WITHIN) {
      return ctx.getInvokeAction();
    }
    frames.refused = true;
    String why = "frame of " + frames.length + " bytes exceeds maxPayload " + maxFrame;
    if (start == FrameScanner.STARTED_EARLIER) {
      // the engine holds the start of that frame's header already: end the connection under it
      warnings.atWarn(log, "frame").addKeyValue(LogKeys.REMOTE, connection.getPeerAddress())
          .log("websocket closed: transport error ({})", why);
      closeAfter(connection, Buffers.wrap(ctx.getMemoryManager(), CLOSE_TOO_BIG));
      return ctx.getStopAction();
    }
    // hand the engine the frames before this one, then a close 1009 in the client's name: the endpoint learns why
    // the connection ends (and logs it), and the engine answers the client with the same close and ends it
    bytes.split(start).tryDispose();
    ctx.setMessage(HttpContent.create(content.getHttpHeader(), false, Buffers.appendBuffers(ctx.getMemoryManager(),
        bytes, Buffers.wrap(ctx.getMemoryManager(), clientClose(1009, why)))));
    return ctx.getInvokeAction();
  }

  /** A close frame as a client sends it (masked, with a zero mask so the payload reads as is). */
  static byte[] clientClose(int code, String reason) {
    byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int length = Math.min(2 + text.length, 125);
    byte[] frame = new byte[6 + length];
    frame[0] = (byte) 0x88;
    frame[1] = (byte) (0x80 | length);
    frame[6] = (byte) (code >> 8);
    frame[7] = (byte) code;
    System.arraycopy(text, 0, frame, 8, length - 2);
    return frame;
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void closeAfter(Connection connection, org.glassfish.grizzly.Buffer frame) {
    connection.write(frame, new EmptyCompletionHandler<WriteResult>() {
      @Override
      public void completed(WriteResult result) {
        connection.closeSilently();
      }

      @Override
      public void failed(Throwable throwable) {
        connection.closeSilently();
      }
    });
  }

  /** Whether a request path climbs above the root with {@code ..} segments. */
  static boolean escapesRoot(String path) {
    if (path == null || !path.contains("..")) {
      return false;
    }
    int depth = 0;
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..") || segment.equalsIgnoreCase("%2e%2e")) {
        if (--depth < 0) {
          return true;
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  private void onRequestContent(Connection<?> connection, HttpContent content) {
    if (content.isLast()) {
      // the whole request is in: the server answers it, however long a poll waits
      deadlines.remove(connection);
      return;
    }
    Deadline current = deadlines.get(connection);
    if (current == null || !current.body()) {
      deadlines.put(connection, new Deadline(System.nanoTime() + bodyNanos, true, "request body"));
    }
  }

  /**
   * Drops an upgrade we do not speak (h2c, which Java's HttpClient asks for on its first request) as the codec
   * reports it: Grizzly would otherwise take the rest of the connection for the upgraded protocol and never read
   * the next request as one. The request is then served as plain HTTP/1.1.
   */
  @Override
  public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
    if (event.type() == HttpEvents.IncomingHttpUpgradeEvent.TYPE) {
      HttpHeader header = ((HttpEvents.IncomingHttpUpgradeEvent) event).getHttpHeader();
      if (header.isRequest() && !"websocket".equalsIgnoreCase(header.getUpgrade())) {
        header.getUpgradeDC().recycle();
        header.setIgnoreContentModifiers(false);
      }
    }
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleWrite(FilterChainContext ctx) throws IOException {
    if (ctx.getMessage() instanceof HttpContent content && content.isLast() && !content.getHttpHeader().isRequest()
        && WEBSOCKET.get(ctx.getConnection()) == null) {
      awaitRequest(ctx.getConnection());
    }
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleClose(FilterChainContext ctx) throws IOException {
    deadlines.remove(ctx.getConnection());
    return ctx.getInvokeAction();
  }

  private void awaitRequest(Connection<?> connection) {
    deadlines.put(connection, new Deadline(System.nanoTime() + headNanos, false, "request head"));
  }

  /**
   * Closes the connections past their deadline, and makes the selector read again for a request body it has been
   * waiting for over a second with reading switched off (see {@link #readAgain}).
   */
  void sweep() {
    long now = System.nanoTime();
    for (Map.Entry<Connection<?>, Deadline> entry : deadlines.entrySet()) {
      Deadline deadline = entry.getValue();
      if (deadline.body() && now - (deadline.at() - bodyNanos) >= STALLED_BODY_NANOS) {
        readAgain(entry.getKey());
      }
      if (now - deadline.at() >= 0 && deadlines.remove(entry.getKey(), deadline)) {
        Connection<?> connection = entry.getKey();
        warnings.atWarn(log, "deadline").addKeyValue(LogKeys.REMOTE, connection.getPeerAddress())
            .log("http connection closed: {} not received within {} ms", deadline.what(),
                TimeUnit.NANOSECONDS.toMillis(deadline.body() ? bodyNanos : headNanos));
        connection.closeSilently();
      }
    }
  }

  /**
   * Grizzly 4's {@code SameThreadIOStrategy} can leave a connection's read interest off while a request body is read
   * asynchronously: the worker's late suspension of the request turns it off after the body reader turned it on
   * (eclipse-ee4j/glassfish-grizzly#2297, fixed in Grizzly 5, which needs Java 21). The body then never arrives and
   * the request is never answered (1 in thousands of late {@code POST} bodies). Turning it on again is harmless:
   * the connection is waiting for exactly those bytes.
   */
  private void readAgain(Connection<?> connection) {
    if (connection instanceof NIOConnection nio) {
      SelectionKey key = nio.getSelectionKey();
      if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) == 0) {
        warnings.atWarn(log, "read-again").addKeyValue(LogKeys.REMOTE, connection.getPeerAddress())
            .log("http connection: reading a request body again after Grizzly stopped reading it");
        try {
          nio.enableIOEvent(IOEvent.READ);
        } catch (IOException e) {
          // a connection that cannot read any more: its body deadline closes it
        }
      }
    }
  }

  /** Connections with a deadline: HTTP connections not waiting for a response. */
  int guarded() {
    return deadlines.size();
  }

  /**
   * Follows the frames of one WebSocket connection's byte stream, header by header, skipping payloads, to see
   * each frame's announced length before the WebSocket engine buffers it. Confined to the connection's reader.
   */
  static final class FrameScanner {
    /** {@link #scan} found no frame over the limit. */
    static final int WITHIN = -1;
    /** {@link #scan} found a frame over the limit whose header began in an earlier buffer. */
    static final int STARTED_EARLIER = -2;

    private static final int FIRST = 0;
    private static final int LENGTH = 1;
    private static final int EXTENDED = 2;
    private static final int MASK = 3;
    private static final int PAYLOAD = 4;

    private int state = FIRST;
    /** Extended length or mask bytes still to read. */
    private int count;
    private boolean masked;
    /** Where the current frame's header starts in the buffer being scanned; -1 when in an earlier one. */
    private int frameStart = -1;
    /** The frame's payload length, then what is left of it to skip. */
    long length;
    /** Whether the connection was refused: whatever else it sends is dropped. */
    boolean refused;

    /**
     * Scans the readable bytes of {@code buffer} without moving its position.
     *
     * @return {@link #WITHIN}; or the position in {@code buffer} where the header of a frame announcing more than
     *     {@code max} bytes starts ({@link #length} then holds its length), or {@link #STARTED_EARLIER}
     */
    int scan(org.glassfish.grizzly.Buffer buffer, long max) {
      int pos = buffer.position();
      int limit = buffer.limit();
      while (pos < limit) {
        switch (state) {
          case FIRST -> {
            frameStart = pos++;
            state = LENGTH;
          }
          case LENGTH -> {
            int b = buffer.get(pos++) & 0xFF;
            masked = (b & 0x80) != 0;
            int code = b & 0x7F;
            if (code < 126) {
              length = code;
              state = afterLength();
            } else {
              length = 0;
              count = code == 126 ? 2 : 8;
              state = EXTENDED;
            }
          }
          case EXTENDED -> {
            length = (length << 8) | (buffer.get(pos++) & 0xFF);
            if (--count == 0) {
              if (length > max || length < 0) {
                if (length < 0) {
                  length = Long.MAX_VALUE;
                }
                return frameStart >= 0 ? frameStart : STARTED_EARLIER;
              }
              state = afterLength();
            }
          }
          case MASK -> {
            pos++;
            if (--count == 0) {
              state = length == 0 ? FIRST : PAYLOAD;
            }
          }
          case PAYLOAD -> {
            long skip = Math.min(length, limit - pos);
            pos += (int) skip;
            length -= skip;
            if (length == 0) {
              state = FIRST;
            }
          }
          default -> throw new AssertionError(state);
        }
      }
      frameStart = -1;
      return WITHIN;
    }

    private int afterLength() {
      if (masked) {
        count = 4;
        return MASK;
      }
      return length == 0 ? FIRST : PAYLOAD;
    }
  }
}
