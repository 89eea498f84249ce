package dev.notify.redis.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a kind of problem at most once per period (with how many were skipped since), so a flood of bad messages
 * costs a few log lines. Thread-safe.
 */
final class LogLimiter {

  private final long periodNanos;
  private final ConcurrentMap<String, long[]> last = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();

  LogLimiter(long periodMillis) {
    this.periodNanos = periodMillis * 1_000_000;
  }

  /** Logs {@code message} at WARN unless this kind was logged within the period. */
  void warn(Logger log, String kind, String message) {
    total.incrementAndGet();
    long now = System.nanoTime();
    long[] state = last.computeIfAbsent(kind, k -> new long[] {now - periodNanos - 1, 0});
    long skipped;
    synchronized (state) {
      if (now - state[0] <= periodNanos) {
        state[1]++;
        return;
      }
      state[0] = now;
      skipped = state[1];
      state[1] = 0;
    }
    log.warn("{}{}", message, skipped == 0 ? "" : " (" + skipped + " more of this kind not logged)");
  }

  /** How many problems were reported, logged or not. */
  long total() {
    return total.get();
  }
}
