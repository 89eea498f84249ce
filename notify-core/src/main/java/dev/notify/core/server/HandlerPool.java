package dev.notify.core.server;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor a server runs handlers on when the application supplies none: a {@link ForkJoinPool} in FIFO
 * (async) mode with a fixed number of daemon threads named {@code notify-handler-<n>} that end after a minute idle.
 * Why not a {@code ThreadPoolExecutor}: it signals a parked thread for every task, while a fork-join pool wakes one
 * only when no worker is already looking for work, so a steady stream of short handlers costs far fewer futex calls
 * and context switches. Order per socket does not depend on the pool: each socket's serial queue gives it.
 * Threads carry the context class loader of the thread that made the server (a web application's, in a container).
 * Once {@link #close()} has begun, a task still handed in (the cleanups of disconnections hand on more work) runs on
 * the calling thread rather than being dropped.
 */
final class HandlerPool implements Executor, AutoCloseable {

  private final ForkJoinPool pool;

  HandlerPool(int threads) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    AtomicInteger count = new AtomicInteger();
    this.pool = new ForkJoinPool(threads, p -> {
      ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
      thread.setName("notify-handler-" + count.incrementAndGet());
      thread.setDaemon(true);
      thread.setContextClassLoader(loader);
      return thread;
    }, null, true);
  }

  @Override
  public void execute(Runnable task) {
    try {
      pool.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** Stops taking tasks and waits up to 5 s for running ones, then interrupts them. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
