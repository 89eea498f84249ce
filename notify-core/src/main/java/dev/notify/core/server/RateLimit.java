package dev.notify.core.server;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: {@code events} per {@code period} on average, with bursts of up to {@link #burst()} events.
 * Immutable.
 *
 * <pre>{@code
 * RateLimit.of(20, Duration.ofSeconds(1))              // 20 events a second, bursts of 20
 * RateLimit.of(20, Duration.ofSeconds(1)).burst(50)    // the same on average, bursts of 50
 * }</pre>
 */
public final class RateLimit {

  private final int events;
  private final Duration period;
  private final int burst;

  private RateLimit(int events, Duration period, int burst) {
    this.events = events;
    this.period = period;
    this.burst = burst;
  }

  /**
   * {@code events} per {@code period}, bursts of as many.
   *
   * @throws IllegalArgumentException when {@code events} is not &gt; 0 or {@code period} not &gt; 0
   */
  public static RateLimit of(int events, Duration period) {
    Objects.requireNonNull(period, "period");
    if (events <= 0) {
      throw new IllegalArgumentException("events must be > 0, was " + events);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be > 0, was " + period);
    }
    return new RateLimit(events, period, events);
  }

  /** The same average rate with bursts of up to {@code burst} events; &gt; 0. */
  public RateLimit burst(int burst) {
    if (burst <= 0) {
      throw new IllegalArgumentException("burst must be > 0, was " + burst);
    }
    return new RateLimit(events, period, burst);
  }

  public int events() {
    return events;
  }

  public Duration period() {
    return period;
  }

  public int burst() {
    return burst;
  }

  /** Nanoseconds for one token to come back. */
  long nanosPerEvent() {
    return Math.max(1, period.toNanos() / events);
  }

  @Override
  public String toString() {
    return events + " per " + period + " (burst " + burst + ")";
  }
}
