package dev.notify.core.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one connection one at a time, in submission order, on a shared pool. After a batch it
 * yields the pool thread, so a busy connection cannot starve the others.
 */
final class SerialExecutor extends AtomicBoolean implements Executor, Runnable {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private static final int BATCH = 64;

  private final transient Executor pool;
  private final transient ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (compareAndSet(false, true)) {
      try {
        pool.execute(this);
      } catch (RejectedExecutionException e) {
        set(false);
        tasks.clear();
        log.debug("handler executor refused work (shut down?): dropped queued tasks");
      }
    }
  }

  @Override
  public void run() {
    for (int i = 0; i < BATCH; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        break;
      }
      try {
        task.run();
      } catch (Throwable t) {
        log.warn("task failed", t);
      }
    }
    set(false);
    if (!tasks.isEmpty()) {
      schedule();
    }
  }
}
