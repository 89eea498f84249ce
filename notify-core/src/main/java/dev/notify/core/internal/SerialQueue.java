package dev.notify.core.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: what one namespace receives from Redis is
 * applied in the order it was published, without a thread of its own. Bounded: beyond {@code capacity} waiting
 * tasks, {@link #submit} refuses. Thread-safe.
 */
public final class SerialQueue {

  private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);
  /** Tasks run per executor turn before yielding the thread to other work. */
  private static final int BURST = 256;

  private final Executor executor;
  private final int capacity;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final String name;

  public SerialQueue(Executor executor, int capacity, String name) {
    this.executor = executor;
    this.capacity = capacity;
    this.name = name;
  }

  /** Queues a task; {@code false} when the queue is full or the executor refuses work (shut down). */
  public boolean submit(Runnable task) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    tasks.add(task);
    return schedule();
  }

  /**
   * Runs the task on the calling thread when nothing is queued or running (so it keeps its place in the order, and
   * saves a hand-over to the executor), else queues it as {@link #submit} does. For short, non-blocking tasks only:
   * the caller's thread is busy meanwhile.
   */
  public boolean runOrSubmit(Runnable task) {
    if (!tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
      return submit(task);
    }
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("{}: a task threw", name, e);
    } finally {
      scheduled.set(false);
      if (!tasks.isEmpty()) {
        schedule();
      }
    }
    return true;
  }

  private boolean schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        return false;
      }
    }
    return true;
  }

  private void drain() {
    for (int i = 0; i < BURST; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      size.decrementAndGet();
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("{}: a task threw", name, e);
      }
    }
    scheduled.set(false);
    if (!tasks.isEmpty()) {
      schedule();
    }
  }

  public int size() {
    return size.get();
  }
}
