package dev.notify.core.adapter.cluster;

import dev.notify.core.metrics.NotifyMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's requests waiting for the other nodes' answers, by request id. Each ends once: when every expected
 * node answered (its parts are then finished into the result), when it times out, or when it is cancelled; its
 * future completes on the executor. Thread-safe.
 */
final class PendingRequests {

  private static final Logger log = LoggerFactory.getLogger(ClusterAdapter.class);

  /** The failure of a request that timed out with {@code answered} of {@code expected} answers. */
  interface TimeoutFailure {
    RuntimeException of(String type, String requestId, int answered, int expected, Duration waited,
        List<Object> partial);
  }

  private final Map<String, Pending> requests = new ConcurrentHashMap<>();
  private final Executor executor;
  private final ScheduledExecutorService scheduler;
  private final TimeoutFailure timeoutFailure;
  private final NotifyMetrics metrics;
  private final String member;

  PendingRequests(Executor executor, ScheduledExecutorService scheduler, TimeoutFailure timeoutFailure,
      NotifyMetrics metrics, String member) {
    this.executor = executor;
    this.scheduler = scheduler;
    this.timeoutFailure = timeoutFailure;
    this.metrics = metrics;
    this.member = member;
  }

  /**
   * Waits {@code wait} for {@code expected} answers to the request {@code id}.
   *
   * @param initial the parts known already (this node's own), which are not answers
   */
  <T> void add(String type, String id, Class<? extends ClusterMessage> kind, int expected, List<Object> initial,
      Function<List<Object>, T> finish, CompletableFuture<T> result, Duration wait) {
    Pending p = new Pending(type, kind, expected, initial, finish, result);
    requests.put(id, p);
    p.timer = scheduler.schedule(() -> onTimeout(id, wait), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The kind of the request pending under {@code requestId}, or {@code null}. */
  Class<? extends ClusterMessage> kind(String requestId) {
    Pending p = requests.get(requestId);
    return p == null ? null : p.kind;
  }

  int size() {
    return requests.size();
  }

  /** One node's answer to {@code requestId}; ignored when it is not pending (another node's, or too late). */
  void answer(String requestId, Object part) {
    Pending p = requests.get(requestId);
    if (p == null) {
      return;
    }
    synchronized (p) {
      if (p.done) {
        return;
      }
      p.parts.add(part);
      p.answered++;
      if (p.answered < p.expected) {
        return;
      }
      p.done = true;
    }
    requests.remove(requestId, p);
    p.cancelTimer();
    Object value;
    try {
      value = p.finish.apply(p.parts);
    } catch (RuntimeException e) {
      fail(executor, p.future, e);
      return;
    }
    complete(executor, p.future, value);
  }

  /** Ends the request with {@code failure}; {@code false} when it was not pending any more. */
  boolean cancel(String requestId, RuntimeException failure) {
    Pending p = requests.remove(requestId);
    if (p == null) {
      return false;
    }
    p.cancelTimer();
    fail(executor, p.future, failure);
    return true;
  }

  /** Ends every pending request with the failure {@code failure} makes from its type and id. */
  void cancelAll(Function<String, RuntimeException> failure) {
    for (Map.Entry<String, Pending> e : new ArrayList<>(requests.entrySet())) {
      cancel(e.getKey(), failure.apply(e.getValue().type + " request " + e.getKey()));
    }
  }

  private void onTimeout(String requestId, Duration waited) {
    Pending p = requests.remove(requestId);
    if (p == null) {
      return;
    }
    int answered;
    List<Object> partial;
    synchronized (p) {
      p.done = true;
      answered = p.answered;
      partial = new ArrayList<>(p.parts);
    }
    metrics.clusterRequestTimedOut(p.type);
    RuntimeException e = timeoutFailure.of(p.type, requestId, answered, p.expected, waited, partial);
    log.debug("{}: {}", member, e.getMessage());
    fail(executor, p.future, e);
  }

  /** Completes {@code future} on {@code executor}, or here when it refuses (shut down). */
  static <T> void complete(Executor executor, CompletableFuture<T> future, T value) {
    try {
      executor.execute(() -> future.complete(value));
    } catch (RejectedExecutionException e) {
      future.complete(value);
    }
  }

  /** Fails {@code future} on {@code executor}, or here when it refuses (shut down). */
  static void fail(Executor executor, CompletableFuture<?> future, Throwable error) {
    try {
      executor.execute(() -> future.completeExceptionally(error));
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(error);
    }
  }

  /** A request waiting for the other nodes' answers. */
  private static final class Pending {
    final String type;
    final Class<? extends ClusterMessage> kind;
    final int expected;
    /** guarded by this */
    final List<Object> parts;
    final Function<List<Object>, ?> finish;
    final CompletableFuture<Object> future;
    volatile ScheduledFuture<?> timer;
    /** guarded by this */
    int answered;
    /** guarded by this */
    boolean done;

    @SuppressWarnings("unchecked")
    <T> Pending(String type, Class<? extends ClusterMessage> kind, int expected, List<Object> initial,
        Function<List<Object>, T> finish, CompletableFuture<T> future) {
      this.type = type;
      this.kind = kind;
      this.expected = expected;
      this.parts = initial;
      this.finish = finish;
      this.future = (CompletableFuture<Object>) future;
    }

    void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }
}
