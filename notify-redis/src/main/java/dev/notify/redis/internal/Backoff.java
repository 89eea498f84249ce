package dev.notify.redis.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: attempt n waits between half and all of min(max, min × 2ⁿ), so nodes
 * that lost Redis together do not reconnect in lockstep. Confined to one thread.
 */
final class Backoff {

  private final long minNanos;
  private final long maxNanos;
  private int attempt;

  Backoff(Duration min, Duration max) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The wait before the next attempt, in nanoseconds. */
  long nextNanos() {
    long ceiling = attempt >= 30 ? maxNanos : Math.min(maxNanos, minNanos << attempt);
    attempt++;
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  /** The jittered wait before attempt {@code attempt} (0-based), for callers that keep the count themselves. */
  static long delayNanos(Duration min, Duration max, int attempt) {
    Backoff b = new Backoff(min, max);
    b.attempt = attempt;
    return b.nextNanos();
  }

  void reset() {
    attempt = 0;
  }
}
