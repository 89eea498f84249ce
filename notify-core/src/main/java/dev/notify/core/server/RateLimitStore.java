package dev.notify.core.server;

/**
 * Where the buckets of per-user limits live ({@link RateLimits.Builder#perUser}): this node's memory
 * ({@link InMemoryRateLimitStore}) or a store every node of a cluster shares (notify-redis's
 * {@code RedisRateLimitStore}), so that a user's sockets on all nodes draw on one bucket per event.
 *
 * <p>Called on the socket's executor, before the event's middlewares, once per event that has a per-user limit.
 * Implementations are thread-safe, answer quickly and do not throw: a store that cannot decide (unreachable)
 * says so in its own documentation and lets the event through or not.
 */
public interface RateLimitStore {

  /**
   * Takes one token from the bucket of {@code user} for {@code event}, refilled as {@code limit} says.
   *
   * @return 0 when the event may go on, else how many milliseconds until it could
   */
  long acquire(String user, String event, RateLimit limit);
}
