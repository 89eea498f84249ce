package dev.notify.core.server;

import dev.notify.core.adapter.BroadcastOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RecoveryStore} in this JVM: a client recovers its session only if it comes back to this node. Events
 * are kept for {@code maxDisconnectionDuration}, so memory grows with the event rate times that duration.
 * Thread-safe without a lock: emits on several threads append side by side, and a reconnection reading what it
 * missed never holds them up.
 */
public final class InMemoryRecoveryStore implements RecoveryStore {

  private record Packet(Instant emittedAt, String namespace, Set<String> rooms, Set<String> except, String event,
      Object[] args) {
  }

  /** How often at most expired sessions are looked for: they are few next to the appends that would look. */
  private static final long SESSION_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Duration retention;
  private final Clock clock;
  private final ConcurrentSkipListMap<Long, Packet> packets = new ConcurrentSkipListMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong lastOffset = new AtomicLong();
  private final AtomicLong nextSessionSweep = new AtomicLong(System.nanoTime());

  /**
   * @param retention how long events and sessions are kept: the server's {@code maxDisconnectionDuration}
   */
  public InMemoryRecoveryStore(Duration retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public CompletableFuture<String> append(String namespace, BroadcastOptions targets, String event,
      Object[] args) {
    Instant now = clock.instant();
    expirePackets(now);
    long offset = lastOffset.incrementAndGet();
    String wire = Long.toString(offset);
    packets.put(offset, new Packet(now, namespace, targets.rooms(), targets.except(), event, withOffset(args, wire)));
    return CompletableFuture.completedFuture(wire);
  }

  @Override
  public CompletableFuture<Void> saveSession(Session session, Duration ttl) {
    expireSessions(clock.instant());
    sessions.put(session.pid(), session);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Session> takeSession(String namespace, String pid) {
    Instant oldest = clock.instant().minus(retention);
    Session session = sessions.get(pid);
    if (session == null || !session.namespace().equals(namespace) || !sessions.remove(pid, session)
        || session.disconnectedAt().isBefore(oldest)) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.completedFuture(session);
  }

  @Override
  public CompletableFuture<List<Missed>> missedSince(String namespace, String offset, Set<String> rooms) {
    expirePackets(clock.instant());
    long from;
    try {
      from = Long.parseLong(offset);
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(null);
    }
    if (from <= 0 || !known(from)) {
      return CompletableFuture.completedFuture(null);
    }
    List<Missed> missed = new ArrayList<>();
    for (Map.Entry<Long, Packet> entry : packets.tailMap(from, false).entrySet()) {
      Packet packet = entry.getValue();
      if (packet.namespace().equals(namespace) && matches(packet, rooms)) {
        missed.add(new Missed(Long.toString(entry.getKey()), packet.event(), packet.args()));
      }
    }
    return CompletableFuture.completedFuture(missed);
  }

  /** Whether the event with this offset is still kept, so what followed it is known. */
  private boolean known(long offset) {
    Map.Entry<Long, Packet> first = packets.firstEntry();
    return first != null && first.getKey() <= offset && offset <= lastOffset.get();
  }

  private static boolean matches(Packet packet, Set<String> rooms) {
    if (!Collections.disjoint(packet.except(), rooms)) {
      return false;
    }
    return packet.rooms().isEmpty() || !Collections.disjoint(packet.rooms(), rooms);
  }

  private void expirePackets(Instant now) {
    Instant oldest = now.minus(retention);
    for (Map.Entry<Long, Packet> first = packets.firstEntry();
        first != null && first.getValue().emittedAt().isBefore(oldest); first = packets.firstEntry()) {
      packets.remove(first.getKey(), first.getValue());
    }
  }

  private void expireSessions(Instant now) {
    long due = nextSessionSweep.get();
    long nanos = System.nanoTime();
    if (nanos - due < 0 || !nextSessionSweep.compareAndSet(due, nanos + SESSION_SWEEP_NANOS)) {
      return;
    }
    Instant oldest = now.minus(retention);
    sessions.values().removeIf(session -> session.disconnectedAt().isBefore(oldest));
  }

  static Object[] withOffset(Object[] args, String offset) {
    Object[] withOffset = new Object[args.length + 1];
    System.arraycopy(args, 0, withOffset, 0, args.length);
    withOffset[args.length] = offset;
    return withOffset;
  }
}
