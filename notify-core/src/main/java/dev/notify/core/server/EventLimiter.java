package dev.notify.core.server;

/**
 * The token buckets of one socket for its {@link RateLimits}: slot 0 for the events without a limit of their
 * own, one slot per named limit. Allocated with the socket; checking an event allocates nothing. Thread-safe.
 */
final class EventLimiter {

  private final RateLimits limits;
  /** Tokens left, in nanoseconds of refill: a bucket holds {@code burst * nanosPerEvent} when full. */
  private final long[] credit;
  private final long[] updatedAt;
  private int violations;

  EventLimiter(RateLimits limits, long now) {
    this.limits = limits;
    int slots = limits.eventLimitCount() + 1;
    this.credit = new long[slots];
    this.updatedAt = new long[slots];
    for (int slot = 0; slot < slots; slot++) {
      RateLimit limit = limit(slot);
      if (limit != null) {
        credit[slot] = limit.burst() * limit.nanosPerEvent();
        updatedAt[slot] = now;
      }
    }
  }

  /**
   * Takes a token for {@code event}.
   *
   * @return 0 when the event may go on, else how many milliseconds until it could
   */
  synchronized long acquire(String event, long now) {
    int slot = limits.indexOf(event) + 1;
    RateLimit limit = limit(slot);
    if (limit == null) {
      return 0;
    }
    long cost = limit.nanosPerEvent();
    long full = limit.burst() * cost;
    long refilled = Math.min(full, credit[slot] + (now - updatedAt[slot]));
    updatedAt[slot] = now;
    if (refilled >= cost) {
      credit[slot] = refilled - cost;
      return 0;
    }
    credit[slot] = refilled;
    violations++;
    return Math.max(1, (cost - refilled + 999_999) / 1_000_000);
  }

  RateLimits limits() {
    return limits;
  }

  /** Counts an event refused by a per-user limit. */
  synchronized void violated() {
    violations++;
  }

  /** Events refused so far. */
  synchronized int violations() {
    return violations;
  }

  /** Whether the client went past {@link RateLimits#disconnectAfter()}. */
  synchronized boolean exhausted() {
    return limits.disconnectAfter() > 0 && violations >= limits.disconnectAfter();
  }

  private RateLimit limit(int slot) {
    return slot == 0 ? limits.everyEvent() : limits.limit(slot - 1);
  }
}
