package dev.notify.core.internal.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} on virtual time, for tests of heartbeats and timeouts: nothing runs until the
 * test calls {@link #advance}, which runs the tasks that fall due, in time order, on the calling thread. Tasks
 * scheduled while advancing run in the same call if they fall due before its end.
 *
 * <p>Thread-safe; periodic scheduling is not supported.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private boolean shutdown;

  /** The virtual time elapsed since creation. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(now);
  }

  /** Moves the clock forward, running every task that falls due on the way, in order. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must be >= 0, was " + duration);
    }
    long target;
    synchronized (this) {
      target = now + duration.toNanos();
    }
    while (true) {
      Task<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.time > target) {
          now = Math.max(now, target);
          return;
        }
        queue.poll();
        now = Math.max(now, next.time);
      }
      next.run();
    }
  }

  /** Runs the tasks due now (those scheduled with no delay, for instance). */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks wait to run (cancelled ones are removed). */
  public synchronized int pendingTasks() {
    return queue.size();
  }

  /** The delay until the next task, or {@code null} when none waits. */
  public synchronized Duration nextDelay() {
    Task<?> next = queue.peek();
    return next == null ? null : Duration.ofNanos(next.time - now);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), unit.toNanos(Math.max(0, delay))));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, unit.toNanos(Math.max(0, delay))));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks are not supported by ManualScheduler");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
      TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks are not supported by ManualScheduler");
  }

  /** Queues the command to run at the current time, on the next {@link #advance} or {@link #runDue}. */
  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  private synchronized <V> Task<V> enqueue(Task<V> task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("ManualScheduler is shut down");
    }
    task.time = now + task.delay;
    task.sequence = sequence++;
    queue.add(task);
    return task;
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>(queue);
    queue.clear();
    return pending;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private final long delay;
    private long time;
    private long sequence;

    Task(Callable<V> callable, long delay) {
      super(callable);
      this.delay = delay;
    }

    @Override
    public boolean isPeriodic() {
      return false;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualScheduler.this) {
        return unit.convert(time - now, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> that = (Task<?>) other;
      return time != that.time ? Long.compare(time, that.time) : Long.compare(sequence, that.sequence);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      synchronized (ManualScheduler.this) {
        queue.remove(this);
      }
      return cancelled;
    }
  }
}
