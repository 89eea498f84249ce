package dev.notify.core.internal.engine;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.EnginePacketType;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.server.EngineOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One Engine.IO session: one client, over one transport at a time (long-polling first, then WebSocket after an
 * upgrade). It runs the heartbeat, enforces the payload limit, buffers outbound frames while the transport is
 * busy, and tells its {@link Listener} about messages and the close.
 *
 * <p>Thread-safe. {@link #send} may be called from any thread; the outbound buffer is bounded by
 * {@link EngineOptions#maxBufferedPackets()} and {@link EngineOptions#maxBufferedBytes()}: volatile frames are
 * dropped whenever the transport is busy, and anything past either bound closes the session with
 * {@link CloseReason#TRANSPORT_ERROR}, so a client that stops reading cannot grow the heap.
 *
 * <p>Heartbeat: a ping every {@code pingInterval}; the client has {@code pingTimeout} to answer from the moment
 * the ping is handed to its transport, not from when it was queued, so a ping that waits behind a busy
 * transport or between two polls does not eat into the client's time. A ping still not handed over after
 * {@code pingTimeout} means the client reads nothing: the session closes then.
 */
public final class EngineSession {

  /** Receives what a session reads. Called on transport threads, which must not block: hand work off. */
  public interface Listener {
    void onMessage(EngineSession session, String text);

    void onMessage(EngineSession session, byte[] data);

    /** Called once, when the session closed. */
    void onClose(EngineSession session, CloseReason reason);
  }

  private static final Logger log = LoggerFactory.getLogger(EngineSession.class);
  /** How soon a poll that arrives during an upgrade gets its noop (the reference server checks every 100 ms). */
  private static final long UPGRADE_CHECK_MILLIS = 100;
  private static final Listener NO_LISTENER = new Listener() {
    @Override
    public void onMessage(EngineSession session, String text) {
    }

    @Override
    public void onMessage(EngineSession session, byte[] data) {
    }

    @Override
    public void onClose(EngineSession session, CloseReason reason) {
    }
  };

  private enum State { OPEN, CLOSING, CLOSED }

  private final EngineServer server;
  private final String id;
  private final EngineRequest request;
  private volatile Listener listener = NO_LISTENER;

  // guarded by this
  private State state = State.OPEN;
  private Transport transport;
  private Transport upgrading;
  private boolean ready;
  private boolean upgradingReady;
  private boolean probed;
  private ArrayDeque<Frame> buffer;
  private long bufferedBytes;
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> upgradeTimer;
  private int pingSeq;
  private boolean awaitingPong;
  /** Whether the ping awaiting its pong was handed to the transport (its pong time runs) or is still queued. */
  private boolean pingWritten;
  private CloseReason closingReason;

  EngineSession(EngineServer server, String id, Transport transport, EngineRequest request) {
    this.server = server;
    this.id = id;
    this.transport = transport;
    this.request = request;
  }

  /** The session id ({@code sid}). */
  public String id() {
    return id;
  }

  /** The request that opened the session. */
  public EngineRequest request() {
    return request;
  }

  /** The name of the transport in use. */
  public synchronized String transportName() {
    return transport.name();
  }

  /** The transport in use. */
  public synchronized Transport transport() {
    return transport;
  }

  /** Whether the session is open (not closing or closed). */
  public synchronized boolean isOpen() {
    return state == State.OPEN;
  }

  public void setListener(Listener listener) {
    this.listener = listener;
  }

  /**
   * Sends frames, in order; they are written now if the transport can take them, else buffered.
   *
   * @param volatileFrames drop the frames instead of buffering them when the transport is busy
   * @return whether the frames were written or buffered
   */
  public boolean send(List<Frame> frames, boolean volatileFrames) {
    Transport target;
    List<Frame> batch;
    String overflow = null;
    long buffered = -1;
    synchronized (this) {
      if (state != State.OPEN) {
        return false;
      }
      if (!ready || probed) {
        if (volatileFrames) {
          target = null;
          batch = null;
        } else {
          if (buffer == null) {
            buffer = new ArrayDeque<>();
          }
          long bytes = length(frames);
          EngineOptions options = server.options();
          // a batch larger than the bounds is still taken when nothing waits: the client is not behind yet
          if (buffer.isEmpty() || buffer.size() + frames.size() <= options.maxBufferedPackets()
              && bufferedBytes + bytes <= options.maxBufferedBytes()) {
            buffer.addAll(frames);
            bufferedBytes += bytes;
            buffered = bytes;
          } else {
            overflow = buffer.size() + frames.size() > options.maxBufferedPackets()
                ? "more than " + options.maxBufferedPackets() + " outbound packets buffered"
                : "more than " + options.maxBufferedBytes() + " outbound bytes buffered";
          }
          target = null;
          batch = null;
        }
      } else {
        ready = false;
        target = transport;
        batch = frames;
        markPingWritten(batch);
      }
    }
    if (buffered >= 0) {
      server.metrics().outboundBuffered(buffered);
      return true;
    }
    if (target == null) {
      if (overflow == null) { // volatile, and the transport is busy
        server.metrics().outboundDropped("volatile", frames.size());
        return false;
      }
      close(CloseReason.TRANSPORT_ERROR, overflow + ": client too slow", true);
      return false;
    }
    write(target, batch, false);
    return true;
  }

  /** Hands {@code batch} to {@code target}, counted; {@code buffered}: it was taken from the buffer. */
  private void write(Transport target, List<Frame> batch, boolean buffered) {
    long bytes = length(batch);
    NotifyMetrics metrics = server.metrics();
    metrics.packetsSent(batch.size(), bytes);
    if (buffered) {
      metrics.outboundBuffered(-bytes);
    }
    target.send(batch);
  }

  private static long length(List<Frame> frames) {
    long bytes = 0;
    for (int i = 0; i < frames.size(); i++) {
      bytes += frames.get(i).length();
    }
    return bytes;
  }

  /** Sends one frame; see {@link #send(List, boolean)}. */
  public boolean send(Frame frame) {
    return send(List.of(frame), false);
  }

  /** Closes the session now, dropping buffered frames. Idempotent. */
  public void close(CloseReason reason, String detail) {
    close(reason, detail, reason == CloseReason.PARSE_ERROR || reason == CloseReason.MESSAGE_TOO_LARGE
        || reason == CloseReason.POLICY_VIOLATION);
  }

  /** @param offender whether the client broke the protocol or a limit: worth a (limited) WARN line */
  private void close(CloseReason reason, String detail, boolean offender) {
    Transport current;
    Transport probe;
    long dropped;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      current = transport;
      probe = upgrading;
      upgrading = null;
      buffer = null;
      dropped = bufferedBytes;
      bufferedBytes = 0;
      cancelTimers();
    }
    server.remove(this);
    server.metrics().connectionClosed(reason.toString());
    if (dropped > 0) {
      server.metrics().outboundBuffered(-dropped);
    }
    // routine closes at DEBUG; a forced close that carries a detail is the server enforcing a rule on the client
    // (no namespace joined within connectTimeout), a fault worth its INFO line. A client that broke the protocol
    // or a limit may be an attack: a WARN, limited so that many of them cannot flood the log
    LoggingEventBuilder line;
    if (reason == CloseReason.TRANSPORT_CLOSE || (reason == CloseReason.FORCED_CLOSE && detail == null)
        || reason == CloseReason.SERVER_SHUTTING_DOWN) {
      line = log.atDebug();
    } else if (offender) {
      line = server.warnings().atWarn(log, "offender");
    } else {
      line = log.atInfo();
    }
    line = about(line).addKeyValue(LogKeys.TRANSPORT, current.name());
    if (offender) {
      line = line.addKeyValue(LogKeys.REMOTE, request.remoteAddress());
    }
    line.log("session closed: {}{}", reason, detail == null ? "" : " (" + detail + ")");
    current.close(reason);
    if (probe != null) {
      probe.close(reason);
    }
    listener.onClose(this, reason);
  }

  /** Closes the session once the frames buffered so far are written. Idempotent. */
  public void closeAfterFlush(CloseReason reason) {
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      if (buffer != null && !buffer.isEmpty() || !ready) {
        state = State.CLOSING;
        closingReason = reason;
        return;
      }
    }
    close(reason, null);
  }

  // ---- called by transports ----

  /** A transport can take frames: write what is buffered. */
  public void onDrain(Transport from) {
    drain(from, false);
  }

  private void drain(Transport from, boolean upgradeCheck) {
    Transport target;
    List<Frame> batch;
    boolean buffered = false;
    CloseReason closeNow = null;
    boolean hold = false;
    synchronized (this) {
      if (from == upgrading) {
        upgradingReady = true;
        return;
      }
      if (from != transport || state == State.CLOSED) {
        return;
      }
      if (probed) {
        // an upgrade is under way: the waiting poll gets a noop so the client can switch transports, from an
        // upgrade check a little later as in the reference server, so that a poll which raced the upgrade
        // packet is refused by the upgrade rather than answered
        if (buffer != null && !buffer.isEmpty()) {
          batch = drainBuffer();
          buffered = true;
        } else if (upgradeCheck) {
          batch = List.of(Frame.NOOP);
        } else {
          batch = null;
          hold = true;
        }
        ready = false;
        target = hold ? null : from;
      } else if (buffer == null || buffer.isEmpty()) {
        ready = true;
        if (state == State.CLOSING) {
          closeNow = closingReason;
        }
        target = null;
        batch = null;
      } else {
        ready = false;
        target = from;
        batch = drainBuffer();
        buffered = true;
      }
    }
    if (hold) {
      server.scheduler().schedule(() -> drain(from, true), UPGRADE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    } else if (closeNow != null) {
      close(closeNow, null);
    } else if (target != null) {
      write(target, batch, buffered);
    }
  }

  /** A packet arrived on a transport. */
  public void onPacket(Transport from, EnginePacket packet) {
    boolean current;
    synchronized (this) {
      // as the reference server, a closing or closed session reads nothing more: a polling payload can hold
      // packets after a close packet, and they must not reach the listener after onClose
      if (state != State.OPEN) {
        return;
      }
      current = from == transport; // read under the lock: an upgrade replaces the transport
    }
    server.metrics().packetReceived(packet.isBinary() ? packet.binary().length : packet.text().length());
    if (!current) {
      onUpgradePacket(from, packet);
      return;
    }
    switch (packet.type()) {
      case MESSAGE -> {
        if (packet.isBinary()) {
          if (packet.binary().length > server.options().maxPayload()) {
            close(CloseReason.MESSAGE_TOO_LARGE, "binary message of " + packet.binary().length
                + " bytes exceeds maxPayload " + server.options().maxPayload());
            return;
          }
          listener.onMessage(this, packet.binary());
        } else {
          listener.onMessage(this, packet.text());
        }
      }
      case PONG -> onPong();
      case CLOSE -> close(CloseReason.TRANSPORT_CLOSE, "client sent close");
      case PING, NOOP, UPGRADE, OPEN ->
          close(CloseReason.PARSE_ERROR, "unexpected " + packet.type() + " packet from client");
      default -> throw new AssertionError(packet.type());
    }
  }

  /** The connection of a transport ended. */
  public void onTransportClose(Transport from, CloseReason reason, String detail) {
    synchronized (this) {
      if (from == upgrading) {
        upgrading = null;
        probed = false;
        cancelUpgradeTimer();
        about(log.atDebug()).addKeyValue(LogKeys.TRANSPORT, from.name()).log("upgrade abandoned: {}", reason);
        return;
      }
      if (from != transport) {
        return;
      }
    }
    close(reason, detail);
  }

  /** Starts an upgrade to {@code probe}, if the session allows one; the caller closes the probe when refused. */
  public boolean beginUpgrade(Transport probe) {
    synchronized (this) {
      if (state != State.OPEN || upgrading != null || !server.options().upgradesFrom(transport.name())
          .contains(probe.name())) {
        return false;
      }
      upgrading = probe;
      upgradingReady = false;
      long timeout = server.options().upgradeTimeout().toMillis();
      upgradeTimer = server.scheduler().schedule(() -> abandonUpgrade(probe), timeout, TimeUnit.MILLISECONDS);
      return true;
    }
  }

  private void abandonUpgrade(Transport probe) {
    synchronized (this) {
      if (upgrading != probe) {
        return;
      }
      upgrading = null;
      probed = false;
    }
    about(log.atDebug()).addKeyValue(LogKeys.TRANSPORT, probe.name()).log("upgrade timed out");
    probe.close(CloseReason.TRANSPORT_ERROR);
  }

  private void onUpgradePacket(Transport from, EnginePacket packet) {
    boolean probe = packet.type() == EnginePacketType.PING && "probe".equals(packet.text());
    boolean upgrade = packet.type() == EnginePacketType.UPGRADE;
    Transport previous = null;
    Transport checkOn = null;
    Transport flushTo = null;
    List<Frame> batch = null;
    synchronized (this) {
      if (from != upgrading || state != State.OPEN) {
        previous = from;
      } else if (probe) {
        probed = true;
        upgradingReady = false;
        if (ready) {
          ready = false;
          checkOn = transport;
        }
      } else if (upgrade && probed) {
        cancelUpgradeTimer();
        previous = transport;
        transport = from;
        upgrading = null;
        probed = false;
        ready = upgradingReady;
        if (ready && buffer != null && !buffer.isEmpty()) {
          ready = false;
          flushTo = from;
          batch = drainBuffer();
        }
      } else {
        upgrading = null;
        probed = false;
        cancelUpgradeTimer();
        previous = from;
      }
    }
    if (probe && previous == null) {
      from.send(List.of(Frame.PONG_PROBE));
      if (checkOn != null) {
        Transport polling = checkOn;
        server.scheduler().schedule(() -> drain(polling, true), UPGRADE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
      }
      return;
    }
    if (upgrade && previous != null && previous != from) {
      about(log.atDebug()).addKeyValue(LogKeys.TRANSPORT, from.name()).log("session upgraded");
      previous.discard();
      if (flushTo != null) {
        write(flushTo, batch, true);
      }
      return;
    }
    if (previous != null) {
      about(log.atInfo()).addKeyValue(LogKeys.TRANSPORT, from.name())
          .log("upgrade refused: unexpected {} packet on the probe", packet.type());
      previous.close(CloseReason.PARSE_ERROR);
    }
  }

  // ---- heartbeat ----

  void startHeartbeat() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      schedulePing();
    }
  }

  private void schedulePing() {
    heartbeat = server.scheduler().schedule(this::ping, server.options().pingInterval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void ping() {
    int seq;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      seq = ++pingSeq;
      awaitingPong = true;
      pingWritten = false;
    }
    send(List.of(Frame.PING), false);
    synchronized (this) {
      if (state != State.CLOSED && awaitingPong && seq == pingSeq && !pingWritten) {
        // queued behind a busy transport or waiting for a poll: a client that takes nothing for pingTimeout is gone
        schedulePongCheck();
      }
    }
  }

  /** Under the lock: checks the current ping's pong {@code pingTimeout} from now. */
  private void schedulePongCheck() {
    int seq = pingSeq;
    heartbeat = server.scheduler().schedule(() -> checkPong(seq), server.options().pingTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void checkPong(int seq) {
    boolean written;
    synchronized (this) {
      if (state == State.CLOSED || !awaitingPong || seq != pingSeq) {
        return;
      }
      written = pingWritten;
    }
    close(CloseReason.PING_TIMEOUT, (written ? "no pong within " : "ping not taken by the client within ")
        + server.options().pingTimeout().toMillis() + " ms");
  }

  private void onPong() {
    synchronized (this) {
      if (state == State.CLOSED || !awaitingPong) {
        return;
      }
      awaitingPong = false;
      if (heartbeat != null) {
        heartbeat.cancel(false);
      }
      schedulePing();
    }
  }

  // ---- internals ----

  /** Takes what is buffered, to hand to the transport; under the lock. */
  private List<Frame> drainBuffer() {
    List<Frame> batch = new ArrayList<>(buffer);
    // drop the queue rather than keep it empty: every session buffers its open packet, and an idle session
    // would hold an empty ArrayDeque (about 100 bytes) for its whole life; the next burst allocates a new one
    buffer = null;
    bufferedBytes = 0;
    markPingWritten(batch);
    return batch;
  }

  /** Starts the client's pong time if {@code batch}, about to go to the transport, holds the ping; under the lock. */
  private void markPingWritten(List<Frame> batch) {
    if (!awaitingPong || pingWritten) {
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) == Frame.PING) {
        pingWritten = true;
        if (heartbeat != null) {
          heartbeat.cancel(false);
        }
        schedulePongCheck();
        return;
      }
    }
  }

  private void cancelTimers() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
    cancelUpgradeTimer();
  }

  private void cancelUpgradeTimer() {
    if (upgradeTimer != null) {
      upgradeTimer.cancel(false);
      upgradeTimer = null;
    }
  }

  /** A log line about this session: it carries the session id. */
  private LoggingEventBuilder about(LoggingEventBuilder line) {
    return line.addKeyValue(LogKeys.SID, id);
  }

  @Override
  public String toString() {
    return "EngineSession{sid=" + id + '}';
  }
}
