package dev.notify.jakarta.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * What a test client received, in order: everything stays in the history, and each event can be awaited once.
 * Thread-safe; the client's event thread records, the test thread awaits.
 */
public final class EventLog<E> {

  private final Function<E, String> nameOf;
  /** guarded by itself */
  private final List<E> history = new ArrayList<>();
  /** guarded by history */
  private final List<E> pending = new ArrayList<>();

  public EventLog(Function<E, String> nameOf) {
    this.nameOf = nameOf;
  }

  public void record(E event) {
    synchronized (history) {
      history.add(event);
      pending.add(event);
      history.notifyAll();
    }
  }

  /**
   * Waits for the next {@code name} event not awaited yet, up to {@link Await#DEADLINE}, and hands it out. Events
   * of other names stay available.
   */
  public E await(String name) {
    long deadline = System.nanoTime() + Await.DEADLINE.toNanos();
    synchronized (history) {
      while (true) {
        for (Iterator<E> it = pending.iterator(); it.hasNext(); ) {
          E event = it.next();
          if (nameOf.apply(event).equals(name)) {
            it.remove();
            return event;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no '" + name + "' within " + Await.DEADLINE + "; received: " + names());
        }
        try {
          history.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** The names of everything received so far, in order. */
  public List<String> names() {
    synchronized (history) {
      return history.stream().map(nameOf).toList();
    }
  }

  /** Everything received so far with this name, in order. */
  public List<E> named(String name) {
    synchronized (history) {
      return history.stream().filter(e -> nameOf.apply(e).equals(name)).toList();
    }
  }

  /** Drops every event of this name, awaited or not: a test measuring the heap keeps only its own objects. */
  public void forget(String name) {
    synchronized (history) {
      history.removeIf(e -> nameOf.apply(e).equals(name));
      pending.removeIf(e -> nameOf.apply(e).equals(name));
    }
  }
}
