package dev.notify.core.server;

import dev.notify.core.adapter.AckListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The acks one socket waits for from its client, by ack id, until it disconnects: then every listener still waiting
 * is handed back once, and nothing more is accepted. Thread-safe (its own monitor, held for map operations only: the
 * instance is private to its socket, and a lock object more would cost 16 bytes per connection).
 */
final class PendingAcks {

  /** A listener, and when its event was sent (for the round trip time). */
  record Waiting(AckListener listener, long sentNanos) {
  }

  /** Created on the first ack: most sockets never ask for one. */
  private Map<Long, Waiting> listeners;
  private boolean closed;

  /** Waits for the ack {@code ackId}; {@code false} once closed. */
  boolean add(long ackId, AckListener listener) {
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (listeners == null) {
        listeners = new HashMap<>(4);
      }
      listeners.put(ackId, new Waiting(listener, System.nanoTime()));
      return true;
    }
  }

  /** The listener of {@code ackId}, no longer waiting; {@code null} if none waits (unknown, timed out, closed). */
  Waiting remove(long ackId) {
    synchronized (this) {
      return listeners == null ? null : listeners.remove(ackId);
    }
  }

  /** Accepts no more acks and returns the listeners that were still waiting. */
  List<AckListener> close() {
    synchronized (this) {
      closed = true;
      List<AckListener> waiting = new ArrayList<>();
      if (listeners != null) {
        listeners.values().forEach(w -> waiting.add(w.listener()));
      }
      listeners = null;
      return waiting;
    }
  }
}
