package dev.notify.core.server;

import dev.notify.core.adapter.BroadcastOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps what connection state recovery needs (Socket.IO 4.6+): the events recently sent, each with an offset,
 * and the sessions of sockets that disconnected, so a client that comes back within
 * {@code maxDisconnectionDuration} gets its id, rooms and data back with every event it missed.
 * {@link InMemoryRecoveryStore} serves one node; a shared store (notify-redis) lets the client come back on
 * another node. Thread-safe.
 */
public interface RecoveryStore {

  /** A disconnected socket's state, kept for its client to take back. */
  record Session(String namespace, String pid, String socketId, Set<String> rooms, Map<String, Object> data,
      Instant disconnectedAt) {
    public Session {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(pid, "pid");
      Objects.requireNonNull(socketId, "socketId");
      rooms = Set.copyOf(rooms);
      data = Map.copyOf(data);
      Objects.requireNonNull(disconnectedAt, "disconnectedAt");
    }

    /** The rooms whose events the recovered socket missed: its rooms and its own id (events sent to it alone). */
    public Set<String> roomsWithId() {
      Set<String> all = new java.util.HashSet<>(rooms);
      all.add(socketId);
      return all;
    }
  }

  /** An event the client missed: its offset, name and arguments (the offset last among them). */
  record Missed(String offset, String event, Object[] args) {
    public Missed {
      Objects.requireNonNull(offset, "offset");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(args, "args");
    }
  }

  /**
   * Records an event sent to the sockets {@code targets} selects in {@code namespace}, and completes with its
   * offset, which the event carries to the client as its last argument. Return at once and do any I/O
   * asynchronously: the server sends the event when the future completes, and sends a namespace's events in the
   * order it called {@code append} for them, so a namespace's offsets must grow in that order too.
   *
   * @return completes with the offset, or with {@code null} when the event could not be kept (a shared store that
   *     is unreachable or busy): the event is then sent without an offset, and a client that misses it cannot get
   *     it back. A failed future, or one not complete within 5 seconds, counts as {@code null}.
   */
  CompletableFuture<String> append(String namespace, BroadcastOptions targets, String event, Object[] args);

  /**
   * Keeps a disconnected socket's session for {@code ttl}. Return at once and do any I/O asynchronously; the
   * future completes when the session is kept, or exceptionally when it could not be (nothing waits for it but
   * the log).
   */
  CompletableFuture<Void> saveSession(Session session, Duration ttl);

  /** Takes a session back, once; completes with {@code null} when it is unknown or expired. */
  CompletableFuture<Session> takeSession(String namespace, String pid);

  /**
   * The events kept after {@code offset} that a socket in {@code rooms} (its own id among them) received, in
   * order; completes with {@code null} when {@code offset} is no longer known, so what followed it is not
   * either: the client then starts afresh.
   */
  CompletableFuture<List<Missed>> missedSince(String namespace, String offset, Set<String> rooms);

  /** Whether the store can be reached, for {@link NotifyServer#health()}; must not block. */
  default boolean available() {
    return true;
  }

  /** A session taken back, with the events its socket missed, in order. */
  record Restored(Session session, List<Missed> missed) {
    public Restored {
      Objects.requireNonNull(session, "session");
      missed = List.copyOf(missed);
    }
  }

  /**
   * Takes a session back with the events it missed after {@code offset}: {@link #takeSession} then
   * {@link #missedSince}; {@code null} when either is unknown (the session is taken all the same).
   */
  default CompletableFuture<Restored> restore(String namespace, String pid, String offset) {
    return takeSession(namespace, pid).thenCompose(session -> {
      if (session == null) {
        return CompletableFuture.completedFuture(null);
      }
      return missedSince(namespace, offset, session.roomsWithId())
          .thenApply(missed -> missed == null ? null : new Restored(session, missed));
    });
  }

  /**
   * Orders two offsets. Offsets are one or more unsigned decimal numbers joined by {@code '-'} (an in-memory
   * counter, a Redis stream id), compared number by number.
   */
  static int compareOffsets(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i]) : 0;
      long q = i < y.length ? Long.parseLong(y[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }
}
