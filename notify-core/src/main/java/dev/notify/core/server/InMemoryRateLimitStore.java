package dev.notify.core.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-user buckets in this node's memory: the sockets of a user on this node share them, other nodes keep their
 * own. The default store of {@link RateLimits.Builder#perUser(java.util.function.Function)}.
 *
 * <p>A bucket is one number, the time at which it would be full again (the "theoretical arrival time" of the
 * generic cell rate algorithm, equivalent to a token bucket); buckets that are full again are dropped every
 * {@value #SWEEP_EVERY} acquisitions, so memory follows the users active within their limits' periods.
 * Thread-safe.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

  static final int SWEEP_EVERY = 4096;
  /** Marks a bucket the sweep removed, which a racing acquisition must not use. */
  private static final long DROPPED = 1;

  /** Per user and event: {time the bucket is full again, DROPPED or 0}. */
  private final ConcurrentMap<Bucket, long[]> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

  @Override
  public long acquire(String user, String event, RateLimit limit) {
    long now = System.nanoTime();
    if (untilSweep.decrementAndGet() <= 0) {
      untilSweep.set(SWEEP_EVERY);
      buckets.values().removeIf(bucket -> {
        synchronized (bucket) {
          boolean full = bucket[0] - now <= 0;
          bucket[1] = full ? DROPPED : 0;
          return full;
        }
      });
    }
    Bucket key = new Bucket(user, event);
    while (true) {
      long[] bucket = buckets.computeIfAbsent(key, b -> new long[] {now, 0});
      synchronized (bucket) {
        if (bucket[1] != DROPPED) {
          return take(bucket, now, limit);
        }
      }
    }
  }

  /** Buckets held, for tests. */
  int size() {
    return buckets.size();
  }

  /** One step of the algorithm on {@code fullAt[0]}: a token costs one interval, a full bucket holds burst of them. */
  static long take(long[] fullAt, long now, RateLimit limit) {
    long interval = limit.nanosPerEvent();
    long start = fullAt[0] - now < 0 ? now : fullAt[0];
    long allowedAt = start + interval - interval * limit.burst();
    if (allowedAt - now > 0) {
      return Math.max(1, (allowedAt - now + 999_999) / 1_000_000);
    }
    fullAt[0] = start + interval;
    return 0;
  }

  private record Bucket(String user, String event) {
  }
}
