package dev.notify.jakarta;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.Transport;
import dev.notify.core.internal.engine.WebSockets;
import dev.notify.core.internal.protocol.Frame;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Engine.IO over one Jakarta WebSocket session. Writes with the async remote, one message at a time (some
 * containers refuse a second pending send); a send that completes inline continues the loop instead of
 * recursing. Reads whole text and binary messages on the container's thread and hands them to the session.
 */
final class WebSocketTransport implements Transport, SendHandler {

  private static final int IDLE = 0;
  private static final int WRITING = 1;
  private static final int PENDING = 2;
  private static final int DONE = 3;

  private final Session ws;
  private final RemoteEndpoint.Async remote;
  private final int maxPayload;
  private final Executor closer;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile EngineSession session;
  private volatile boolean inLoop;
  private List<Frame> batch;
  private int index;
  /** The parts of the message being received; only the container's delivery thread touches them. */
  private StringBuilder textParts;
  private ByteArrayOutputStream binaryParts;

  WebSocketTransport(Session ws, int maxPayload, Executor closer) {
    this.ws = ws;
    this.remote = ws.getAsyncRemote();
    this.maxPayload = maxPayload;
    this.closer = closer;
  }

  void attach(EngineSession session) {
    this.session = session;
  }

  @Override
  public String name() {
    return "websocket";
  }

  // ---- outbound ----

  @Override
  public void send(List<Frame> frames) {
    batch = frames;
    index = 0;
    if (!inLoop) {
      loop();
    }
  }

  private void loop() {
    inLoop = true;
    while (true) {
      List<Frame> current = batch;
      if (current == null || closed.get()) {
        inLoop = false;
        return;
      }
      if (index == current.size()) {
        batch = null;
        session.onDrain(this);
        continue;
      }
      Frame frame = current.get(index++);
      state.set(WRITING);
      try {
        if (frame.isBinary()) {
          remote.sendBinary(ByteBuffer.wrap(frame.binary()), this);
        } else {
          remote.sendText(frame.text(), this);
        }
      } catch (RuntimeException e) {
        inLoop = false;
        failed(e);
        return;
      }
      inLoop = false;
      if (state.compareAndSet(WRITING, PENDING)) {
        return;
      }
      inLoop = true;
    }
  }

  @Override
  public void onResult(SendResult result) {
    if (!result.isOK()) {
      failed(result.getException());
      return;
    }
    if (!state.compareAndSet(WRITING, DONE)) {
      loop();
    }
  }

  private void failed(Throwable error) {
    EngineSession s = session;
    if (s != null) {
      s.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "write failed: " + error);
    }
  }

  // ---- inbound, on the container's thread ----

  /** A part of a text message; the container delivers the parts of one connection one at a time, in order. */
  void onTextPart(String part, boolean last) {
    if (textParts == null) {
      if (last) {
        onText(part);
        return;
      }
      textParts = new StringBuilder(Math.max(16, part.length() * 2));
    }
    textParts.append(part);
    if (textParts.length() > maxPayload) {
      // more characters than maxPayload is more bytes too: no need to wait for the end
      refuseOversize(textParts.length() + " characters");
      return;
    }
    if (last) {
      String text = textParts.toString();
      textParts = null;
      onText(text);
    }
  }

  /** A part of a binary message; same order guarantee as {@link #onTextPart}. */
  void onBinaryPart(ByteBuffer part, boolean last) {
    if (binaryParts == null && last) {
      byte[] data = new byte[part.remaining()];
      part.get(data);
      onBinary(data);
      return;
    }
    if (binaryParts == null) {
      binaryParts = new ByteArrayOutputStream(Math.max(16, part.remaining() * 2));
    }
    if (binaryParts.size() + part.remaining() > maxPayload) {
      refuseOversize("more than " + maxPayload + " bytes");
      return;
    }
    byte[] chunk = new byte[part.remaining()];
    part.get(chunk);
    binaryParts.writeBytes(chunk);
    if (last) {
      byte[] data = binaryParts.toByteArray();
      binaryParts = null;
      onBinary(data);
    }
  }

  private void refuseOversize(String size) {
    textParts = null;
    binaryParts = null;
    EngineSession s = session;
    if (s != null) {
      s.close(CloseReason.MESSAGE_TOO_LARGE, "message of " + size + " exceeds maxPayload " + maxPayload);
    }
  }

  void onText(String text) {
    EngineSession s = session;
    if (s == null) {
      return;
    }
    // maxPayload counts bytes, as in Engine.IO: a char is up to 3 bytes of UTF-8, so count them when it matters
    long bytes = text.length() * 3L <= maxPayload ? text.length() : utf8Length(text);
    if (bytes > maxPayload) {
      s.close(CloseReason.MESSAGE_TOO_LARGE, "message of " + bytes + " bytes exceeds maxPayload " + maxPayload);
      return;
    }
    WebSockets.onText(s, this, text);
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      // a surrogate pair is 4 bytes: 2 per char
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  void onBinary(byte[] data) {
    WebSockets.onBinary(session, this, data);
  }

  void onClosed(int code, String reason) {
    // the standalone server's guard closes with 1009 in the client's name when a frame is over maxPayload;
    // containers close with 1009 or 1011 when a frame is too large
    if (closed.compareAndSet(false, true)) {
      WebSockets.onPeerClose(session, this, code, reason);
    }
  }

  void onError(Throwable error) {
    EngineSession s = session;
    if (s != null) {
      s.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "websocket error: " + error);
    }
  }

  // ---- close ----

  @Override
  public void close(CloseReason reason) {
    close(jakarta.websocket.CloseReason.CloseCodes.getCloseCode(WebSockets.closeCode(reason)), reason.text());
  }

  /** Closes the WebSocket off the caller's thread: some containers write the close frame blocking. */
  void close(jakarta.websocket.CloseReason.CloseCode code, String text) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closer.execute(() -> {
      try {
        if (ws.isOpen()) {
          ws.close(new jakarta.websocket.CloseReason(code, text));
        }
      } catch (Exception e) {
        // the connection is gone already
      }
    });
  }
}
