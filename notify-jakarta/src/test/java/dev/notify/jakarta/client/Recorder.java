package dev.notify.jakarta.client;

import dev.notify.jakarta.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Collects values that arrive on other threads (server sockets, disconnect reasons, raw frames) and hands them
 * out in arrival order, waiting up to {@link Await#DEADLINE} for each. Thread-safe.
 */
final class Recorder<T> {

  private final LinkedBlockingQueue<T> queue = new LinkedBlockingQueue<>();
  private final List<T> all = new ArrayList<>();

  /** Records a value; usable as a callback ({@code socket.onDisconnect(reasons::add)}). */
  void add(T value) {
    synchronized (all) {
      all.add(value);
    }
    queue.add(value);
  }

  /** The next value not handed out yet, waiting for it. */
  T next() {
    try {
      T value = queue.poll(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (value == null) {
        throw new AssertionError("nothing arrived within " + Await.DEADLINE + "; so far: " + all());
      }
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The next {@code count} values. */
  List<T> next(int count) {
    List<T> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(next());
    }
    return values;
  }

  /** Everything recorded so far, handed out or not. */
  List<T> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }
}
