package dev.notify.bench.inmem;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.Transport;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.Frame;
import java.util.List;

/**
 * An in-memory {@link Transport} for benchmarks: a WebSocket whose writes complete at once. It counts what the
 * session writes instead of keeping it (a benchmark sends millions of frames), answers pings so the default
 * heartbeat never closes it, and lets the benchmark act as the client.
 *
 * <p>Not a test double: it holds nothing per frame, so a heap measured with it is the server's own.
 * Thread-safe enough for benchmarks: the counters are plain fields written by whichever thread sends.
 */
public final class LoopbackTransport implements Transport {

  private static final EnginePacket PONG = EngineDecoder.decode("3");

  private EngineSession session;
  /** Frames written; racy under concurrent senders, exact with one. */
  public long frames;
  /** Characters (text frames) and bytes (binary frames) written. */
  public long size;
  /** Text frames written that carry a Socket.IO EVENT ({@code 42...}), so a benchmark can check delivery. */
  public long events;
  private boolean closed;

  public void attach(EngineSession session) {
    this.session = session;
  }

  public EngineSession session() {
    return session;
  }

  public boolean isClosed() {
    return closed;
  }

  /** The client sent one text frame, such as {@code "40"} or {@code "42[\"hi\"]"}. */
  public void receive(String wire) {
    session.onPacket(this, EngineDecoder.decode(wire));
  }

  @Override
  public String name() {
    return "websocket";
  }

  @Override
  public void send(List<Frame> batch) {
    boolean ping = false;
    for (int i = 0; i < batch.size(); i++) {
      Frame frame = batch.get(i);
      size += frame.isBinary() ? frame.binary().length : frame.text().length();
      ping |= frame == Frame.PING;
      if (!frame.isBinary() && frame.text().startsWith("42")) {
        events++;
      }
    }
    frames += batch.size();
    EngineSession s = session;
    if (s != null) {
      s.onDrain(this);
      if (ping) {
        s.onPacket(this, PONG);
      }
    }
  }

  @Override
  public void close(CloseReason reason) {
    closed = true;
  }
}
