package dev.notify.core.server;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long a task waits for the server's executor: once a second it queues an empty task, unless the last
 * one has not run yet. Whatever the executor (ours or the application's), that wait is what a handler waits.
 * Thread-safe.
 */
final class ExecutorProbe {

  private static final long PERIOD_MILLIS = 1_000;

  private final Executor executor;
  private final ScheduledFuture<?> timer;
  /** System.nanoTime when the probe in flight was queued; 0 when none is. */
  private volatile long queuedAt;
  private volatile long lastWaitNanos;

  ExecutorProbe(Executor executor, ScheduledExecutorService scheduler) {
    this.executor = executor;
    this.timer = scheduler.scheduleWithFixedDelay(this::probe, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void probe() {
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

  /** The longer of the last probe's wait and how long the one in flight has waited so far. */
  long waitMillis() {
    long since = queuedAt;
    long waiting = since == 0 ? 0 : System.nanoTime() - since;
    return TimeUnit.NANOSECONDS.toMillis(Math.max(waiting, lastWaitNanos));
  }

  void close() {
    timer.cancel(false);
  }
}
