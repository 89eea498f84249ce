package dev.notify.core.server;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one connection one at a time, in submission order, on a shared pool. After a batch it
 * yields the pool thread, so a busy connection cannot starve the others. Tasks for packets the client sent are
 * counted, in packets and bytes, until they have run, so that a client faster than its handlers is refused
 * rather than allowed to grow the queue.
 */
final class SerialExecutor extends AtomicBoolean implements Executor, Runnable {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private static final int BATCH = 64;
  // field updaters rather than atomics: one executor per connection, and two atomic objects would cost 32 bytes
  private static final AtomicIntegerFieldUpdater<SerialExecutor> INBOUND_PACKETS =
      AtomicIntegerFieldUpdater.newUpdater(SerialExecutor.class, "inboundPackets");
  private static final AtomicLongFieldUpdater<SerialExecutor> INBOUND_BYTES =
      AtomicLongFieldUpdater.newUpdater(SerialExecutor.class, "inboundBytes");

  private final transient Executor pool;
  private final transient ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile int inboundPackets;
  private volatile long inboundBytes;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  /**
   * Queues the handling of a packet of {@code bytes} the client sent, unless that would take the packets waiting
   * past {@code maxPackets} or their bytes past {@code maxBytes}.
   *
   * @return {@code false} when refused: nothing was queued
   */
  boolean executeInbound(Runnable task, long bytes, int maxPackets, long maxBytes) {
    if (INBOUND_PACKETS.incrementAndGet(this) > maxPackets | INBOUND_BYTES.addAndGet(this, bytes) > maxBytes) {
      release(bytes);
      return false;
    }
    execute(() -> {
      try {
        task.run();
      } finally {
        release(bytes);
      }
    });
    return true;
  }

  /** Packets the client sent that wait for, or are in, their handlers. */
  int inboundPackets() {
    return inboundPackets;
  }

  /** The bytes of {@link #inboundPackets()}. */
  long inboundBytes() {
    return inboundBytes;
  }

  private void release(long bytes) {
    INBOUND_PACKETS.decrementAndGet(this);
    INBOUND_BYTES.addAndGet(this, -bytes);
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
