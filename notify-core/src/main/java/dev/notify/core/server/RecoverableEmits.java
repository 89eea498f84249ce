package dev.notify.core.server;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.LogLimiter;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace's recoverable events on their way out: each is appended to the {@link RecoveryStore}, which answers
 * its offset asynchronously, and sent with it once it has it, in the order the namespace emitted them, even when a
 * later event's offset comes first. An offset not given within {@link #APPEND_TIMEOUT_MILLIS} sends the event
 * without one. Sends happen outside any lock, one at a time: on the emitting thread when the offsets are already
 * there, else on the server's executor. Thread-safe.
 */
final class RecoverableEmits {

  private static final Logger log = LoggerFactory.getLogger(RecoverableEmits.class);
  /** How long a store may take to give an offset before its event goes out without one. */
  static final long APPEND_TIMEOUT_MILLIS = 5_000;

  private record Pending(CompletableFuture<String> offset, Object[] args, Consumer<Object[]> send) {
  }

  private final String namespace;
  private final RecoveryStore store;
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final LogLimiter limiter = new LogLimiter(10_000);
  /** In append order; guarded by itself, which also makes the append order the queue order. */
  private final Queue<Pending> queue = new ArrayDeque<>();
  /** Drain requests: the one that takes it from 0 drains, the others make it go round once more. */
  private final AtomicInteger drains = new AtomicInteger();
  /** The pending head a completion callback already watches; read and written by the draining thread only. */
  private Pending watched;

  RecoverableEmits(String namespace, RecoveryStore store, Executor executor, ScheduledExecutorService scheduler) {
    this.namespace = namespace;
    this.store = store;
    this.executor = executor;
    this.scheduler = scheduler;
  }

  /**
   * Keeps the event for {@code targets} and has {@code send} send it, with its offset as last argument when the
   * store gave one, after every event emitted before it in this namespace.
   */
  void emit(BroadcastOptions targets, String event, Object[] args, Consumer<Object[]> send) {
    synchronized (queue) {
      queue.add(new Pending(append(targets, event, args), args, send));
    }
    drain();
  }

  private CompletableFuture<String> append(BroadcastOptions targets, String event, Object[] args) {
    CompletableFuture<String> appended;
    try {
      appended = store.append(namespace, targets, event, args);
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    if (appended == null) {
      appended = CompletableFuture.failedFuture(new NullPointerException("append returned no future"));
    }
    CompletableFuture<String> offset = new CompletableFuture<>();
    if (!appended.isDone()) {
      ScheduledFuture<?> timer = scheduler.schedule(() -> {
        if (offset.complete(null)) {
          limiter.atWarn(log, "append-timeout").addKeyValue(LogKeys.NSP, namespace).log("the recovery store gave "
              + "no offset for '{}' within {} ms, sent without (not recoverable)", event, APPEND_TIMEOUT_MILLIS);
        }
      }, APPEND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      offset.whenComplete((o, e) -> timer.cancel(false));
    }
    appended.whenComplete((o, error) -> {
      if (error != null) {
        limiter.atWarn(log, "append-failed").addKeyValue(LogKeys.NSP, namespace).log("the recovery store failed "
            + "to keep '{}', sent without offset (not recoverable): {}", event, error.toString());
      }
      offset.complete(error == null ? o : null);
    });
    return offset;
  }

  private void drain() {
    if (drains.getAndIncrement() != 0) {
      return;
    }
    int requests = 1;
    do {
      while (true) {
        Pending head;
        synchronized (queue) {
          head = queue.peek();
          if (head == null) {
            break;
          }
          if (!head.offset().isDone()) {
            if (watched != head) {
              watched = head;
              // not on the store's thread: a broadcast to many sockets would hold its next calls back
              head.offset().whenCompleteAsync((o, e) -> drain(), executor);
            }
            break;
          }
          queue.poll();
        }
        send(head);
      }
      requests = drains.addAndGet(-requests);
    } while (requests != 0);
  }

  private void send(Pending pending) {
    String offset = pending.offset().join();
    try {
      pending.send().accept(offset == null ? pending.args() : InMemoryRecoveryStore.withOffset(pending.args(),
          offset));
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue(LogKeys.NSP, namespace).setCause(e).log("sending a recoverable event failed");
    }
  }
}
