package dev.notify.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Lets through at most {@code burst} WARN lines per {@code windowNanos}, so that a flood of bad clients, each
 * worth a line, cannot flood the log. The first line after a window that suppressed some says how many.
 * Thread-safe. Not API: shared by notify's own modules.
 */
public final class WarnLimiter {

  private final Logger log;
  private final int burst;
  private final long windowNanos;
  private final Object lock = new Object();
  private final AtomicLong suppressed = new AtomicLong();
  private long windowStart;
  private int inWindow;

  public WarnLimiter(Logger log, int burst, long windowNanos) {
    this.log = log;
    this.burst = burst;
    this.windowNanos = windowNanos;
    this.windowStart = System.nanoTime() - windowNanos;
  }

  public void warn(String format, Object... args) {
    if (!log.isWarnEnabled()) {
      return;
    }
    synchronized (lock) {
      long now = System.nanoTime();
      if (now - windowStart >= windowNanos) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= burst) {
        suppressed.incrementAndGet();
        return;
      }
      inWindow++;
    }
    long dropped = suppressed.getAndSet(0);
    if (dropped > 0) {
      log.warn("{} similar lines suppressed", dropped);
    }
    log.warn(format, args);
  }
}
