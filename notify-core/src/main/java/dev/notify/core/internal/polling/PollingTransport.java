package dev.notify.core.internal.polling;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.RequestError;
import dev.notify.core.internal.engine.Transport;
import dev.notify.core.internal.protocol.EngineEncoder;
import dev.notify.core.internal.protocol.Frame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Engine.IO over HTTP long-polling: each {@code GET} waits for frames and answers with them as one payload;
 * {@code POST}s carry the client's packets (see {@link PollingHandler}). Holds at most one waiting {@code GET}.
 * Thread-safe; responses are written outside the lock.
 */
final class PollingTransport implements Transport {

  static final String CONTENT_TYPE = "text/plain; charset=UTF-8";

  /** Responses from this size on are gzipped for clients that accept it; -1 never. */
  private final int gzipThreshold;
  private volatile EngineSession session;
  private HttpExchange pendingGet;
  private boolean posting;
  private boolean closed;
  /** What one poll after the close gets: the noop of a client-requested close, else the close packet. */
  private Frame closeAnswer = Frame.CLOSE;
  /** Whether the one poll that learns of the close has had its answer; every later poll is refused. */
  private boolean closeAnswered;

  /** @param gzipThreshold responses from this size on are gzipped for clients that accept it; -1 never */
  PollingTransport(int gzipThreshold) {
    this.gzipThreshold = gzipThreshold;
  }

  void attach(EngineSession session) {
    this.session = session;
  }

  EngineSession session() {
    return session;
  }

  @Override
  public String name() {
    return "polling";
  }

  /**
   * A {@code GET} arrived.
   *
   * @return {@code false} when another {@code GET} was already waiting (the caller refuses this one and closes
   *     the session, as the spec says)
   */
  boolean onGet(HttpExchange get) {
    // suspend first: once published as pendingGet, any thread may answer it
    get.suspend(() -> {
      synchronized (this) {
        if (pendingGet != get) {
          return;
        }
        pendingGet = null;
      }
      session.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "poll closed prematurely");
    });
    boolean waiting = false;
    Frame lateAnswer = null;
    synchronized (this) {
      if (pendingGet != null) {
        return false;
      }
      if (!closed) {
        pendingGet = get;
        waiting = true;
      } else if (takeCloseAnswer()) {
        lateAnswer = closeAnswer;
      }
    }
    if (waiting) {
      session.onDrain(this);
    } else if (lateAnswer != null) {
      write(get, lateAnswer.text());
    } else {
      respondError(get, RequestError.UNKNOWN_SID);
    }
    return true;
  }

  /**
   * Answers with the noop a poll for a session that the client closed and that is already gone from the server:
   * the close and the poll travel on two connections, so exactly one poll, whichever way it came, learns of the
   * close. The session may still be closing its transport.
   *
   * @return {@code false} when another poll already had the answer (the caller refuses this one)
   */
  boolean answerPollAfterClientClose(HttpExchange get) {
    if (!takeCloseAnswer()) {
      return false;
    }
    write(get, Frame.NOOP.text());
    return true;
  }

  private synchronized boolean takeCloseAnswer() {
    if (closeAnswered) {
      return false;
    }
    closeAnswered = true;
    return true;
  }

  /** Marks a {@code POST} as being read; {@code false} when another one is (the caller refuses it). */
  synchronized boolean beginPost() {
    if (posting) {
      return false;
    }
    posting = true;
    return true;
  }

  synchronized void endPost() {
    posting = false;
  }

  @Override
  public void send(List<Frame> frames) {
    HttpExchange get;
    synchronized (this) {
      get = pendingGet;
      pendingGet = null;
    }
    if (get == null) {
      // the client went away between drain and send: the frames are lost with the connection
      return;
    }
    write(get, EngineEncoder.encodePayload(frames));
  }

  @Override
  public void close(CloseReason reason) {
    // a client that asked to close gets its waiting poll released; otherwise the poll learns of the close
    answerAndClose(reason == CloseReason.TRANSPORT_CLOSE ? Frame.NOOP : Frame.CLOSE);
  }

  /**
   * The session moved to WebSocket. The official client waits for its last poll to end before it upgrades; a poll
   * still waiting came after the probe, and is refused as every HTTP request for an upgraded session.
   */
  @Override
  public void discard() {
    HttpExchange get = markClosed(Frame.NOOP);
    if (get != null) {
      respondError(get, RequestError.BAD_REQUEST);
    }
  }

  /** Whether a poll has learnt of the close, so no later one needs the close answer. */
  synchronized boolean closeAnswered() {
    return closeAnswered;
  }

  private void answerAndClose(Frame answer) {
    HttpExchange get = markClosed(answer);
    if (get != null) {
      write(get, answer.text());
    }
  }

  /** Closes; returns the poll that was waiting, to be answered outside the lock. */
  private synchronized HttpExchange markClosed(Frame answer) {
    if (closed) {
      return null;
    }
    closed = true;
    closeAnswer = answer;
    HttpExchange get = pendingGet;
    pendingGet = null;
    if (get != null) {
      closeAnswered = true;
    }
    return get;
  }

  private void write(HttpExchange get, String payload) {
    byte[] body = payload.getBytes(StandardCharsets.UTF_8);
    if (gzipThreshold >= 0 && body.length >= gzipThreshold && acceptsGzip(get.header("accept-encoding"))) {
      get.setHeader("Content-Encoding", "gzip");
      get.setHeader("Vary", "Accept-Encoding");
      body = gzip(body);
    }
    get.respond(200, CONTENT_TYPE, body);
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.strip().split(";");
      if (parts[0].strip().equalsIgnoreCase("gzip")) {
        return parts.length < 2 || !parts[1].replace(" ", "").equalsIgnoreCase("q=0");
      }
    }
    return false;
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 32);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip in memory failed", e);
    }
    return out.toByteArray();
  }

  static void respondError(HttpExchange ex, RequestError error) {
    ex.respond(error.httpStatus(), "application/json", error.toJson().getBytes(StandardCharsets.UTF_8));
  }
}
