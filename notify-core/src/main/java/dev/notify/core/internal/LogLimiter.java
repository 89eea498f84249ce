package dev.notify.core.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs each kind of problem at most {@code linesPerPeriod} times per period, then once more with how many were
 * left out, so that a flood of bad clients or bad messages costs a few log lines. Kinds are a few fixed names.
 * Thread-safe. Not API: shared by notify's own modules.
 */
public final class LogLimiter {

  private final int linesPerPeriod;
  private final long periodNanos;
  /** Per kind: start of the period, lines logged in it, lines left out since the last one logged. */
  private final ConcurrentMap<String, long[]> kinds = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();

  public LogLimiter(int linesPerPeriod, long periodMillis) {
    this.linesPerPeriod = linesPerPeriod;
    this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
  }

  /** At most one line per kind per period. */
  public LogLimiter(long periodMillis) {
    this(1, periodMillis);
  }

  /** Logs {@code message} at WARN unless this kind used up its lines of the period. */
  public void warn(Logger log, String kind, String message) {
    total.incrementAndGet();
    long skipped = admit(kind);
    if (skipped >= 0) {
      log.warn("{}{}", message, skipped == 0 ? "" : " (" + skipped + " more of this kind not logged)");
    }
  }

  /** As {@link #warn(Logger, String, String)}, with an SLF4J format and its arguments. */
  public void warn(Logger log, String kind, String format, Object... args) {
    if (log.isWarnEnabled()) {
      warn(log, kind, MessageFormatter.arrayFormat(format, args).getMessage());
    } else {
      total.incrementAndGet();
    }
  }

  /**
   * A WARN line to fill in, unless this kind used up its lines of the period: then a DEBUG line, so that each
   * problem still has its line with DEBUG on, and none at WARN. A WARN line after some were left out carries how
   * many as the key-value pair {@code unlogged}.
   */
  public LoggingEventBuilder atWarn(Logger log, String kind) {
    total.incrementAndGet();
    long skipped = log.isWarnEnabled() ? admit(kind) : -1;
    if (skipped < 0) {
      return log.atDebug();
    }
    return skipped == 0 ? log.atWarn() : log.atWarn().addKeyValue("unlogged", skipped);
  }

  /** @return -1 to leave the line out, else how many of its kind were left out before it */
  private long admit(String kind) {
    long now = System.nanoTime();
    long[] state = kinds.computeIfAbsent(kind, k -> new long[] {now - periodNanos - 1, 0, 0});
    synchronized (state) {
      if (now - state[0] > periodNanos) {
        state[0] = now;
        state[1] = 0;
      }
      if (state[1] >= linesPerPeriod) {
        state[2]++;
        return -1;
      }
      state[1]++;
      long skipped = state[2];
      state[2] = 0;
      return skipped;
    }
  }

  /** How many problems were reported, logged or not. */
  public long total() {
    return total.get();
  }
}
