package dev.notify.core.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The events each socket may send: a limit for every event, limits for named events, and what happens to a
 * client that goes past them. Immutable; build with {@link #builder()} and give to
 * {@link NotifyServer.Builder#rateLimits(RateLimits)}.
 *
 * <pre>{@code
 * RateLimits.builder()
 *     .everyEvent(RateLimit.of(20, Duration.ofSeconds(1)).burst(40))
 *     .event("chat:message", RateLimit.of(1, Duration.ofSeconds(1)).burst(5))
 *     .disconnectAfter(50)
 *     .build();
 * }</pre>
 *
 * <p>Each socket has a bucket per limit, refilled continuously: one shared by all its events that have no limit
 * of their own, one for each event named here. An event over its limit never reaches the
 * handlers: one that asks for an acknowledgement is answered {@code {"error":"rate_limited","retryAfterMs":N}},
 * any other is dropped; after {@link Builder#disconnectAfter} such events the client is disconnected (WebSocket
 * close 1008). An event within its limits costs a few arithmetic operations and no allocation.
 */
public final class RateLimits {

  /** Defaults to 0: a client is never disconnected for going past its limits. */
  public static final int DEFAULT_DISCONNECT_AFTER = 0;

  private final RateLimit everyEvent;
  private final Map<String, Integer> eventIndex;
  private final RateLimit[] eventLimits;
  private final int disconnectAfter;

  private RateLimits(Builder b) {
    this.everyEvent = b.everyEvent;
    this.eventIndex = new HashMap<>();
    this.eventLimits = new RateLimit[b.events.size()];
    int i = 0;
    for (Map.Entry<String, RateLimit> entry : b.events.entrySet()) {
      eventIndex.put(entry.getKey(), i);
      eventLimits[i++] = entry.getValue();
    }
    this.disconnectAfter = b.disconnectAfter;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The limit of a socket's events without one of their own, together, or {@code null} for none. */
  public RateLimit everyEvent() {
    return everyEvent;
  }

  /** The limit of the event named so, or {@code null} when it falls under {@link #everyEvent()}. */
  public RateLimit event(String name) {
    Integer index = eventIndex.get(name);
    return index == null ? null : eventLimits[index];
  }

  public int disconnectAfter() {
    return disconnectAfter;
  }

  /** The index of an event's own limit, or -1. */
  int indexOf(String event) {
    Integer index = eventIndex.get(event);
    return index == null ? -1 : index;
  }

  RateLimit limit(int index) {
    return eventLimits[index];
  }

  int eventLimitCount() {
    return eventLimits.length;
  }

  @Override
  public String toString() {
    Map<String, RateLimit> events = new LinkedHashMap<>();
    eventIndex.forEach((name, index) -> events.put(name, eventLimits[index]));
    return "RateLimits{everyEvent=" + everyEvent + ", events=" + events + ", disconnectAfter=" + disconnectAfter
        + '}';
  }

  /** Builds {@link RateLimits}. Not thread-safe. */
  public static final class Builder {
    private RateLimit everyEvent;
    private final Map<String, RateLimit> events = new LinkedHashMap<>();
    private int disconnectAfter = DEFAULT_DISCONNECT_AFTER;

    private Builder() {
    }

    /**
     * The limit of a socket's events that have none of their own, all together (not per name: a client could
     * invent names without end). Defaults to none.
     */
    public Builder everyEvent(RateLimit limit) {
      this.everyEvent = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** The limit of one event, instead of {@link #everyEvent}. */
    public Builder event(String name, RateLimit limit) {
      Objects.requireNonNull(name, "name");
      events.put(name, Objects.requireNonNull(limit, "limit"));
      return this;
    }

    /**
     * Disconnects a client once it sent this many events over their limits; 0 never does. Defaults to
     * {@value #DEFAULT_DISCONNECT_AFTER}.
     */
    public Builder disconnectAfter(int violations) {
      if (violations < 0) {
        throw new IllegalArgumentException("disconnectAfter must be >= 0, was " + violations);
      }
      this.disconnectAfter = violations;
      return this;
    }

    /** @throws IllegalStateException when no limit was set */
    public RateLimits build() {
      if (everyEvent == null && events.isEmpty()) {
        throw new IllegalStateException("no limit: set everyEvent(...) or event(name, ...)");
      }
      return new RateLimits(this);
    }
  }
}
