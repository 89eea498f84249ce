package dev.notify.redis.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker for callers that must not wait on an unreachable Redis: the first failure opens it (one WARN
 * line), callers then skip Redis at once, and a background check (capped exponential backoff with jitter) closes
 * it when Redis answers again (one INFO line). Thread-safe; the check runs on its own daemon thread.
 */
public final class Outage implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dev.notify.redis");

  private final Supplier<String> label;
  private final String consequence;
  private final Runnable check;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final ScheduledExecutorService scheduler;
  private volatile boolean down;
  /** guarded by this */
  private long downSince;
  /** guarded by this */
  private int attempt;
  /** guarded by this */
  private boolean closed;

  /**
   * @param label who is talking, for the log lines
   * @param consequence what callers do meanwhile, for the WARN line
   * @param check throws when Redis is still unreachable; bounded by the connection's timeouts
   */
  public Outage(Supplier<String> label, String consequence, Runnable check, Duration minDelay, Duration maxDelay,
      ThreadFactory threads) {
    this.label = label;
    this.consequence = consequence;
    this.check = check;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads);
  }

  /** Whether Redis is taken as unreachable: skip it. */
  public boolean down() {
    return down;
  }

  /** A call failed because Redis could not be reached: opens the breaker (logged once) and starts the checks. */
  public void failed(Throwable cause) {
    synchronized (this) {
      if (down || closed) {
        return;
      }
      down = true;
      downSince = System.nanoTime();
      attempt = 0;
      schedule();
    }
    log.warn("{}: Redis unreachable ({}); {} until it is back; checking", label.get(), Health.describe(cause),
        consequence);
  }

  /** guarded by this */
  private void schedule() {
    try {
      scheduler.schedule(this::runCheck, Backoff.delayNanos(minDelay, maxDelay, attempt++), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void runCheck() {
    try {
      check.run();
    } catch (RuntimeException e) {
      synchronized (this) {
        if (!closed) {
          schedule();
        }
      }
      return;
    }
    long millis;
    synchronized (this) {
      down = false;
      millis = (System.nanoTime() - downSince) / 1_000_000;
    }
    log.info("{}: Redis reachable again after {} ms", label.get(), millis);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    scheduler.shutdownNow();
  }
}
