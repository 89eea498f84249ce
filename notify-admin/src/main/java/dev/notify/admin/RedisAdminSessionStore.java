package dev.notify.admin;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Admin UI sessions in Redis, as Node's {@code RedisStore} of {@code @socket.io/admin-ui} keeps them: key
 * {@code <prefix>#<sessionId>}, value {@code "1"}, expiring after the session duration. Java and Node nodes on one
 * Redis share the UI's login. Needs {@code redis.clients:jedis} on the class path. Thread-safe; close it after the
 * server.
 */
public final class RedisAdminSessionStore implements AdminSessionStore, AutoCloseable {

  /** Node's default key prefix: {@value}. */
  public static final String DEFAULT_PREFIX = "socket.io-admin";
  /** Node's default session duration: 24 hours. */
  public static final Duration DEFAULT_SESSION_DURATION = Duration.ofDays(1);

  private final RedisClient redis;
  private final String prefix;
  private final Duration sessionDuration;

  private RedisAdminSessionStore(RedisClient redis, String prefix, Duration sessionDuration) {
    this.redis = redis;
    this.prefix = prefix;
    this.sessionDuration = sessionDuration;
  }

  /** On the Redis at {@code url} ({@code redis://host:port}), with Node's defaults. */
  public static RedisAdminSessionStore create(String url) {
    return create(url, DEFAULT_PREFIX, DEFAULT_SESSION_DURATION);
  }

  /**
   * @param prefix the key prefix; Node's option of the same name
   * @param sessionDuration how long a login lasts, at least a second; Node's {@code sessionDuration}
   */
  public static RedisAdminSessionStore create(String url, String prefix, Duration sessionDuration) {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(sessionDuration, "sessionDuration");
    if (sessionDuration.getSeconds() < 1) {
      throw new IllegalArgumentException("sessionDuration must be at least 1 s, was " + sessionDuration);
    }
    URI uri = URI.create(url);
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("url must be redis://host:port or rediss://..., was " + url);
    }
    return new RedisAdminSessionStore(RedisClient.create(uri), prefix, sessionDuration);
  }

  private String key(String sessionId) {
    return prefix + "#" + sessionId;
  }

  @Override
  public boolean exists(String sessionId) {
    return redis.exists(key(sessionId));
  }

  @Override
  public void save(String sessionId) {
    redis.set(key(sessionId), "1", SetParams.setParams().ex(sessionDuration.getSeconds()));
  }

  @Override
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisAdminSessionStore{prefix=" + prefix + ", sessionDuration=" + sessionDuration + '}';
  }
}
