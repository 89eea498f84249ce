package dev.notify.core.server;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a task waits for the server's executor: each look queues an empty task, unless the last one has
 * not run yet. Whatever the executor (ours or the application's), that wait is what a handler waits. Probes are
 * frequent enough (a balancer asks every few seconds) that no timer of its own is needed. Thread-safe.
 */
final class ExecutorProbe {

  private final Executor executor;
  /** System.nanoTime when the probe in flight was queued; 0 when none is. */
  private volatile long queuedAt;
  private volatile long lastWaitNanos;

  ExecutorProbe(Executor executor) {
    this.executor = executor;
  }

  /**
   * The longer of the last probe's wait and how long the one in flight has waited so far; queues a new probe when
   * none is in flight.
   */
  long waitMillis() {
    long since = queuedAt;
    if (since == 0) {
      probe();
    }
    since = queuedAt;
    long waiting = since == 0 ? 0 : System.nanoTime() - since;
    return TimeUnit.NANOSECONDS.toMillis(Math.max(waiting, lastWaitNanos));
  }

  private synchronized void probe() {
    if (queuedAt != 0) {
      return;
    }
    long now = System.nanoTime();
    queuedAt = now;
    try {
      executor.execute(() -> {
        lastWaitNanos = System.nanoTime() - now;
        queuedAt = 0;
      });
    } catch (RejectedExecutionException e) {
      // the executor stopped: the probe stays queued and its wait grows, which is what health should see
    }
  }
}
