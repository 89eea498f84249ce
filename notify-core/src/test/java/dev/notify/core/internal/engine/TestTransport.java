package dev.notify.core.internal.engine;

import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory {@link Transport} for tests: it records what the session writes and lets the test act as the
 * connection (drain, close) and as the client (send packets).
 *
 * <p>It behaves like a real transport towards the session: {@link #drain()} says it can take frames (a WebSocket
 * after a write, or a polling {@code GET} arriving), and a {@code send} then consumes that permission. A session
 * that breaks the {@link Transport} contract (writing without a drain, or while holding its own lock) is recorded
 * in {@link #contractViolations()}, which tests can assert empty. With {@link #autoDrain(boolean)} it drains again
 * after each write, as a WebSocket whose writes complete at once.
 *
 * <p>Thread-safe: heartbeats may write from a scheduler thread while the test thread inspects.
 */
public final class TestTransport implements Transport {

  private final String name;
  private final List<List<Frame>> batches = new CopyOnWriteArrayList<>();
  private final List<CloseReason> closes = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile EngineSession session;
  private volatile boolean discarded;
  private volatile boolean autoDrain;
  private volatile Consumer<List<Frame>> onSend = frames -> { };
  private boolean writable; // guarded by this

  public TestTransport(String name) {
    this.name = name;
  }

  /** A transport named {@code websocket}. */
  public static TestTransport websocket() {
    return new TestTransport("websocket");
  }

  /** A transport named {@code polling}. */
  public static TestTransport polling() {
    return new TestTransport("polling");
  }

  /** Drains again after each write, as a WebSocket whose writes complete at once. */
  public TestTransport autoDrain(boolean autoDrain) {
    this.autoDrain = autoDrain;
    return this;
  }

  /** Runs {@code hook} with each batch the session sends, once it is recorded and before an automatic drain. */
  public TestTransport onSend(Consumer<List<Frame>> hook) {
    this.onSend = hook;
    return this;
  }

  /** Opens a session on this transport with {@link EngineServer#open}; the open packet waits for a drain. */
  public EngineSession open(EngineServer server, EngineRequest request) {
    EngineSession opened = server.open(this, request);
    session = opened;
    return opened;
  }

  /** Makes this transport talk to a session it did not open, such as the probe of an upgrade. */
  public TestTransport attach(EngineSession session) {
    this.session = session;
    return this;
  }

  public EngineSession session() {
    return session;
  }

  // ---- the connection ----

  /** The transport can take frames: {@link EngineSession#onDrain}. */
  public void drain() {
    synchronized (this) {
      writable = true;
    }
    session().onDrain(this);
  }

  /** The connection ended: {@link EngineSession#onTransportClose}. */
  public void disconnect(CloseReason reason, String detail) {
    session().onTransportClose(this, reason, detail);
  }

  // ---- the client ----

  /** The client sent one text frame, such as {@code "3"} or {@code "42[\"hi\"]"}. */
  public void receive(String frame) {
    session().onPacket(this, EngineDecoder.decode(frame));
  }

  /** The client sent a binary frame. */
  public void receive(byte[] frame) {
    session().onPacket(this, EngineDecoder.decode(frame));
  }

  /** The client sent a long-polling payload. */
  public void receivePayload(String payload) {
    for (EnginePacket packet : EngineDecoder.decodePayload(payload)) {
      session().onPacket(this, packet);
    }
  }

  // ---- Transport ----

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(List<Frame> frames) {
    EngineSession current = session;
    if (current != null && Thread.holdsLock(current)) {
      violations.add("send while the session holds its lock: " + frames);
    }
    synchronized (this) {
      if (!writable) {
        violations.add("send without a drain: " + frames);
      }
      writable = false;
      batches.add(List.copyOf(frames));
    }
    onSend.accept(frames);
    if (autoDrain && current != null) {
      drain();
    }
  }

  @Override
  public void close(CloseReason reason) {
    EngineSession current = session;
    if (current != null && Thread.holdsLock(current)) {
      violations.add("close while the session holds its lock");
    }
    closes.add(reason);
  }

  @Override
  public void discard() {
    discarded = true;
  }

  // ---- what happened ----

  /** Each {@code send} call, in order. */
  public List<List<Frame>> batches() {
    return List.copyOf(batches);
  }

  /** Every frame written, in order. */
  public List<Frame> frames() {
    List<Frame> all = new ArrayList<>();
    batches.forEach(all::addAll);
    return all;
  }

  /** The wire text of every frame written, binary frames as {@code <n bytes>}. */
  public List<String> texts() {
    return frames().stream().map(f -> f.isBinary() ? "<" + f.binary().length + " bytes>" : f.text()).toList();
  }

  /** The reasons of the {@code close} calls, in order. */
  public List<CloseReason> closeReasons() {
    return List.copyOf(closes);
  }

  public boolean isClosed() {
    return !closes.isEmpty();
  }

  /** Whether the session moved away from this transport ({@link Transport#discard}). */
  public boolean isDiscarded() {
    return discarded;
  }

  /** Ways the session broke the {@link Transport} contract; empty when it behaved. */
  public List<String> contractViolations() {
    return List.copyOf(violations);
  }

  @Override
  public String toString() {
    return "TestTransport{" + name + ", frames=" + texts() + ", closes=" + closes + '}';
  }
}
