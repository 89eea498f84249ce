package dev.notify.redis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Group commit for store calls: what is submitted while {@code maxInFlight} merged calls are already running waits,
 * and the next merged call takes all of it (up to {@code maxBatch}). A lone call goes out at once, so it adds no
 * latency; under load, many calls share one script run. At most {@code capacity} calls wait; past it, calls fail at
 * once with the exception {@code busy} makes. With {@code maxInFlight} 1, merged calls run one after the other in
 * submission order. Thread-safe.
 *
 * @param <I> one caller's input
 * @param <O> one caller's result
 */
public final class Coalescer<I, O> {

  private record Entry<I, O>(I input, CompletableFuture<O> result) {
  }

  private final Function<List<I>, CompletableFuture<List<O>>> call;
  private final int maxBatch;
  private final int maxInFlight;
  private final int capacity;
  private final Supplier<? extends RuntimeException> busy;
  private final AtomicInteger size = new AtomicInteger();
  private final Queue<Entry<I, O>> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param busy the failure of a call submitted while {@code capacity} calls wait
   * @param call runs one merged call; its list holds one result per input, in order
   */
  public Coalescer(int maxBatch, int maxInFlight, int capacity, Supplier<? extends RuntimeException> busy,
      Function<List<I>, CompletableFuture<List<O>>> call) {
    this.call = call;
    this.capacity = capacity;
    this.busy = busy;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  public CompletableFuture<O> submit(I input) {
    CompletableFuture<O> result = new CompletableFuture<>();
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      result.completeExceptionally(busy.get());
      return result;
    }
    waiting.add(new Entry<>(input, result));
    drain();
    return result;
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      int running = inFlight.get();
      if (running >= maxInFlight) {
        return; // the running call's completion drains again
      }
      if (!inFlight.compareAndSet(running, running + 1)) {
        continue;
      }
      List<Entry<I, O>> batch = new ArrayList<>();
      Entry<I, O> e;
      while (batch.size() < maxBatch && (e = waiting.poll()) != null) {
        batch.add(e);
        size.decrementAndGet();
      }
      if (batch.isEmpty()) {
        inFlight.decrementAndGet();
        continue;
      }
      List<I> inputs = new ArrayList<>(batch.size());
      batch.forEach(b -> inputs.add(b.input()));
      CompletableFuture<List<O>> merged;
      try {
        merged = call.apply(inputs);
      } catch (RuntimeException failure) {
        merged = CompletableFuture.failedFuture(failure);
      }
      if (merged.isDone()) {
        // answered at once (a failure, typically): settle here and keep looping rather than recurse
        inFlight.decrementAndGet();
        merged.whenComplete((results, error) -> settle(batch, results, error));
        continue;
      }
      merged.whenComplete((results, error) -> {
        inFlight.decrementAndGet();
        settle(batch, results, error);
        drain();
      });
    }
  }

  private static <I, O> void settle(List<Entry<I, O>> batch, List<O> results, Throwable error) {
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      batch.forEach(b -> b.result().completeExceptionally(cause));
      return;
    }
    if (results == null || results.size() != batch.size()) {
      IllegalStateException wrong = new IllegalStateException("a merged call answered "
          + (results == null ? "nothing" : results.size() + " results") + " for " + batch.size() + " calls");
      batch.forEach(b -> b.result().completeExceptionally(wrong));
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(results.get(i));
    }
  }
}
