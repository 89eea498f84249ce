package dev.notify.core.server;

import dev.notify.core.adapter.BroadcastOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link RecoveryStore} in this JVM: a client recovers its session only if it comes back to this node. Events
 * are kept for {@code maxDisconnectionDuration}, so memory grows with the event rate times that duration.
 * Thread-safe (one lock, short sections).
 */
public final class InMemoryRecoveryStore implements RecoveryStore {

  private record Packet(long offset, Instant emittedAt, String namespace, Set<String> rooms, Set<String> except,
      String event, Object[] args) {
  }

  private final Duration retention;
  private final Clock clock;
  private final ArrayDeque<Packet> packets = new ArrayDeque<>();
  private final Map<String, Session> sessions = new HashMap<>();
  private long lastOffset;

  /**
   * @param retention how long events and sessions are kept: the server's {@code maxDisconnectionDuration}
   */
  public InMemoryRecoveryStore(Duration retention, Clock clock) {
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized CompletableFuture<String> append(String namespace, BroadcastOptions targets, String event,
      Object[] args) {
    Instant now = clock.instant();
    expire(now);
    long offset = ++lastOffset;
    String wire = Long.toString(offset);
    Object[] withOffset = withOffset(args, wire);
    packets.addLast(new Packet(offset, now, namespace, targets.rooms(), targets.except(), event, withOffset));
    return CompletableFuture.completedFuture(wire);
  }

  @Override
  public synchronized CompletableFuture<Void> saveSession(Session session, Duration ttl) {
    expire(clock.instant());
    sessions.put(session.pid(), session);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Session> takeSession(String namespace, String pid) {
    expire(clock.instant());
    Session session = sessions.get(pid);
    if (session == null || !session.namespace().equals(namespace)) {
      return CompletableFuture.completedFuture(null);
    }
    sessions.remove(pid);
    return CompletableFuture.completedFuture(session);
  }

  @Override
  public synchronized CompletableFuture<List<Missed>> missedSince(String namespace, String offset,
      Set<String> rooms) {
    expire(clock.instant());
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
    for (Packet packet : packets) {
      if (packet.offset() > from && packet.namespace().equals(namespace) && matches(packet, rooms)) {
        missed.add(new Missed(Long.toString(packet.offset()), packet.event(), packet.args()));
      }
    }
    return CompletableFuture.completedFuture(missed);
  }

  /** Whether the event with this offset is still kept, so what followed it is known. */
  private boolean known(long offset) {
    return !packets.isEmpty() && packets.peekFirst().offset() <= offset && offset <= lastOffset;
  }

  private static boolean matches(Packet packet, Set<String> rooms) {
    if (!Collections.disjoint(packet.except(), rooms)) {
      return false;
    }
    return packet.rooms().isEmpty() || !Collections.disjoint(packet.rooms(), rooms);
  }

  private void expire(Instant now) {
    Instant oldest = now.minus(retention);
    while (!packets.isEmpty() && packets.peekFirst().emittedAt().isBefore(oldest)) {
      packets.removeFirst();
    }
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      if (it.next().disconnectedAt().isBefore(oldest)) {
        it.remove();
      }
    }
  }

  static Object[] withOffset(Object[] args, String offset) {
    Object[] withOffset = new Object[args.length + 1];
    System.arraycopy(args, 0, withOffset, 0, args.length);
    withOffset[args.length] = offset;
    return withOffset;
  }
}
