package dev.notify.core.server;

import dev.notify.core.internal.LogLimiter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user buckets in this node's memory: the sockets of a user on this node share them, other nodes keep their
 * own. The default store of {@link RateLimits.Builder#perUser(java.util.function.Function)}.
 *
 * <p>A bucket is one number, the time at which it would be full again (the "theoretical arrival time" of the
 * generic cell rate algorithm, equivalent to a token bucket); buckets that are full again are dropped every
 * {@value #SWEEP_EVERY} acquisitions, so memory follows the users active within their limits' periods. At most
 * {@code maxBuckets} buckets are held (about 150 bytes each): past it, and after a sweep at most once a second,
 * users without a bucket are let through unlimited by this store (one WARN line a minute; per-socket limits still
 * apply), as the Redis store does while Redis is unreachable, so that users an application mints for untrusted
 * clients cannot grow the heap. Thread-safe.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

  /** Defaults to 100,000: buckets held at once (one per user and limited event). */
  public static final int DEFAULT_MAX_BUCKETS = 100_000;
  static final int SWEEP_EVERY = 4096;
  private static final long FORCED_SWEEP_NANOS = 1_000_000_000L;
  private static final Logger log = LoggerFactory.getLogger(InMemoryRateLimitStore.class);
  /** Marks a bucket the sweep removed, which a racing acquisition must not use. */
  private static final long DROPPED = 1;

  /** Per user and event: {time the bucket is full again, DROPPED or 0}. */
  private final ConcurrentMap<Bucket, long[]> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);
  private final AtomicLong lastForcedSweep = new AtomicLong(System.nanoTime() - FORCED_SWEEP_NANOS);
  private final LogLimiter limiter = new LogLimiter(60_000);
  private final int maxBuckets;

  /** With {@link #DEFAULT_MAX_BUCKETS}. */
  public InMemoryRateLimitStore() {
    this(DEFAULT_MAX_BUCKETS);
  }

  /** @param maxBuckets buckets held at once, &gt;= 1 */
  public InMemoryRateLimitStore(int maxBuckets) {
    if (maxBuckets < 1) {
      throw new IllegalArgumentException("maxBuckets must be >= 1, was " + maxBuckets);
    }
    this.maxBuckets = maxBuckets;
  }

  @Override
  public long acquire(String user, String event, RateLimit limit) {
    long now = System.nanoTime();
    if (untilSweep.decrementAndGet() <= 0) {
      untilSweep.set(SWEEP_EVERY);
      sweep(now);
    }
    Bucket key = new Bucket(user, event);
    if (buckets.size() >= maxBuckets && !buckets.containsKey(key)) {
      long last = lastForcedSweep.get();
      if (now - last >= FORCED_SWEEP_NANOS && lastForcedSweep.compareAndSet(last, now)) {
        sweep(now);
      }
      if (buckets.size() >= maxBuckets) {
        limiter.warn(log, "full", "per-user rate limits: {} buckets held, the maximum; users without one are not "
            + "limited by this store until buckets free up", maxBuckets);
        return 0;
      }
    }
    while (true) {
      long[] bucket = buckets.computeIfAbsent(key, b -> new long[] {now, 0});
      synchronized (bucket) {
        if (bucket[1] != DROPPED) {
          return take(bucket, now, limit);
        }
      }
    }
  }

  /** Drops the buckets that are full again. */
  private void sweep(long now) {
    buckets.values().removeIf(bucket -> {
      synchronized (bucket) {
        boolean full = bucket[0] - now <= 0;
        bucket[1] = full ? DROPPED : 0;
        return full;
      }
    });
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
