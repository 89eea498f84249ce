package dev.notify.core.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

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
 *
 * <p>Limits per user, across all the user's sockets (on this node, or on every node with a shared store):
 *
 * <pre>{@code
 * RateLimits.builder()
 *     .everyEvent(RateLimit.of(20, Duration.ofSeconds(1)))                    // per socket, as above
 *     .perUser(socket -> (String) socket.data().get("userId"), RedisRateLimitStore.create(redisUrl))
 *     .userEvent("chat:message", RateLimit.of(30, Duration.ofMinutes(1)))   // per user, cluster-wide
 *     .build();
 * }</pre>
 *
 * <p>An event with a per-user limit is checked against its socket's limits first (on the transport's thread),
 * then against the user's bucket in the {@link RateLimitStore} (on the socket's executor, before its middlewares:
 * a shared store costs a round trip there). Sockets whose user is {@code null} have no per-user limits.
 */
public final class RateLimits {

  /** Defaults to 0: a client is never disconnected for going past its limits. */
  public static final int DEFAULT_DISCONNECT_AFTER = 0;

  private final RateLimit everyEvent;
  private final Map<String, Integer> eventIndex;
  private final RateLimit[] eventLimits;
  private final int disconnectAfter;
  private final Function<? super Socket, String> userOf;
  private final RateLimitStore store;
  private final Map<String, RateLimit> userEvents;

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
    this.userOf = b.userOf;
    this.store = b.store;
    this.userEvents = Map.copyOf(b.userEvents);
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

  /** The per-user limit of the event named so, or {@code null}. */
  public RateLimit userEvent(String name) {
    return userEvents.get(name);
  }

  /** Where per-user buckets live, or {@code null} when there are no per-user limits. */
  public RateLimitStore store() {
    return store;
  }

  /** The user a socket's per-user limits count against, or {@code null} for none. */
  String userOf(Socket socket) {
    return userOf.apply(socket);
  }

  boolean hasUserLimits() {
    return !userEvents.isEmpty();
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
    return "RateLimits{everyEvent=" + everyEvent + ", events=" + events + ", userEvents=" + userEvents
        + ", store=" + store + ", disconnectAfter=" + disconnectAfter + '}';
  }

  /** Builds {@link RateLimits}. Not thread-safe. */
  public static final class Builder {
    private RateLimit everyEvent;
    private final Map<String, RateLimit> events = new LinkedHashMap<>();
    private int disconnectAfter = DEFAULT_DISCONNECT_AFTER;
    private Function<? super Socket, String> userOf;
    private RateLimitStore store;
    private final Map<String, RateLimit> userEvents = new LinkedHashMap<>();

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
     * Counts the {@link #userEvent per-user limits} against the user {@code userOf} names for a socket (read at
     * each such event, so a connection middleware may set it), in {@code store}: an {@link InMemoryRateLimitStore}
     * for this node, notify-redis's {@code RedisRateLimitStore} for the whole cluster.
     */
    public Builder perUser(Function<? super Socket, String> userOf, RateLimitStore store) {
      this.userOf = Objects.requireNonNull(userOf, "userOf");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** As {@link #perUser(Function, RateLimitStore)}, in a new {@link InMemoryRateLimitStore}. */
    public Builder perUser(Function<? super Socket, String> userOf) {
      return perUser(userOf, new InMemoryRateLimitStore());
    }

    /** The limit of one event per user, on top of the socket's own limits; needs {@link #perUser}. */
    public Builder userEvent(String name, RateLimit limit) {
      Objects.requireNonNull(name, "name");
      userEvents.put(name, Objects.requireNonNull(limit, "limit"));
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

    /** @throws IllegalStateException when no limit was set, or per-user limits lack their user or vice versa */
    public RateLimits build() {
      if (everyEvent == null && events.isEmpty() && userEvents.isEmpty()) {
        throw new IllegalStateException("no limit: set everyEvent(...), event(name, ...) or userEvent(name, ...)");
      }
      if (!userEvents.isEmpty() && userOf == null) {
        throw new IllegalStateException("userEvent(...) needs perUser(userOf, store): whose limit is it?");
      }
      if (userEvents.isEmpty() && userOf != null) {
        throw new IllegalStateException("perUser(...) without userEvent(name, limit): no per-user limit to count");
      }
      return new RateLimits(this);
    }
  }
}
