package dev.notify.redis;

import dev.notify.core.internal.LogLimiter;
import dev.notify.core.server.RateLimit;
import dev.notify.core.server.RateLimitStore;
import dev.notify.redis.internal.Outage;
import dev.notify.redis.internal.RedisConnector;
import dev.notify.redis.internal.Threads;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Per-user rate limit buckets in Redis, shared by every node of a cluster: a user's sockets on all nodes draw on
 * one bucket per limited event.
 *
 * <pre>{@code
 * RedisRateLimitStore store = RedisRateLimitStore.create("redis://redis.internal:6379");
 * NotifyServer io = NotifyServer.builder()
 *     .rateLimits(RateLimits.builder()
 *         .perUser(socket -> (String) socket.data().get("userId"), store)
 *         .userEvent("chat:message", RateLimit.of(30, Duration.ofMinutes(1)).burst(10))
 *         .build())
 *     .build();
 * ...
 * io.close();
 * store.close();
 * }</pre>
 *
 * <p>A bucket is one key, {@code <prefix>:<event>:<user>}, holding the time (Redis' clock, microseconds) at which
 * it is full again, as the generic cell rate algorithm keeps it; one script checks and takes a token atomically,
 * and the key expires when the bucket is full again. Each limited event costs one round trip on the socket's
 * executor, bounded by {@link Builder#commandTimeout} (100 ms). When Redis cannot be reached or refuses the script,
 * events are let through (the limit is a quota, not a guard: keep a per-socket limit for floods), the outage is
 * logged once and a background check finds Redis back.
 *
 * <p>Thread-safe; share one per server (or per JVM); close it after the server.
 */
public final class RedisRateLimitStore implements RateLimitStore, AutoCloseable {

  /** Defaults to {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "notify:ratelimit";
  /** Defaults to 100 ms: the longest an event waits on Redis before it is let through. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimitStore.class);
  private static final CommandObjects COMMANDS = new CommandObjects(RedisProtocol.RESP2);
  /** KEYS[1] the bucket; ARGV[1] microseconds per token, ARGV[2] burst. Returns 0, or milliseconds to wait. */
  private static final String SCRIPT = """
      local now = redis.call('TIME')
      now = tonumber(now[1]) * 1000000 + tonumber(now[2])
      local interval = tonumber(ARGV[1])
      local full = tonumber(redis.call('GET', KEYS[1]) or now)
      if full < now then full = now end
      local allowedAt = full + interval - interval * tonumber(ARGV[2])
      if allowedAt > now then return math.ceil((allowedAt - now) / 1000) end
      redis.call('SET', KEYS[1], string.format('%d', full + interval), 'PX', math.ceil((full + interval - now) / 1000) + 1)
      return 0
      """;
  private static final String SHA = sha1(SCRIPT);

  private final String keyPrefix;
  private final RedisConnector connector;
  private final Outage outage;
  private final LogLimiter limiter = new LogLimiter(10_000);
  private final String label;

  private RedisRateLimitStore(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.connector = new RedisConnector(b.connection.toBuilder().connectTimeout(b.commandTimeout)
        .socketTimeout(b.commandTimeout).build());
    this.label = "rate limit store redis=" + connector.describe() + " prefix=" + keyPrefix;
    this.outage = new Outage(() -> label, "per-user rate limits are not checked", connector::probe,
        Duration.ofMillis(100), Duration.ofSeconds(5),
        Threads.factory(connector.options(), "notify-redis-ratelimit-check", false));
  }

  /** A store on the Redis at {@code url} with the default prefix and timeout. Connects lazily. */
  public static RedisRateLimitStore create(String url) {
    return builder().url(url).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public long acquire(String user, String event, RateLimit limit) {
    if (outage.down()) {
      return 0;
    }
    String key = keyPrefix + ':' + event + ':' + user;
    List<String> keys = List.of(key);
    List<String> args = List.of(Long.toString(Math.max(1, limit.period().toNanos() / 1000 / limit.events())),
        Integer.toString(limit.burst()));
    try {
      Object reply = connector.execute(key, c -> {
        try {
          return c.executeCommand(COMMANDS.evalsha(SHA, keys, args));
        } catch (JedisNoScriptException e) {
          return c.executeCommand(COMMANDS.eval(SCRIPT, keys, args));
        }
      });
      return reply instanceof Long wait ? wait : 0;
    } catch (JedisDataException e) {
      limiter.warn(log, "refused", label + ": Redis refused the rate limit script, event let through: "
          + e.getMessage());
      return 0;
    } catch (JedisException e) {
      outage.failed(e);
      return 0;
    }
  }

  /** Whether the store takes Redis as reachable (false from a failed call until a check succeeds). */
  public boolean redisAvailable() {
    return !outage.down();
  }

  @Override
  public void close() {
    outage.close();
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisRateLimitStore{" + label + '}';
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  /** Builds a {@link RedisRateLimitStore}. Not thread-safe. */
  public static final class Builder {
    private RedisConnectionOptions connection = RedisConnectionOptions.builder().build();
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;

    private Builder() {
    }

    /** The Redis to use, as a URL ({@code redis://}, {@code rediss://}). Defaults to 127.0.0.1:6379. */
    public Builder url(String url) {
      this.connection = RedisConnectionOptions.fromUrl(Objects.requireNonNull(url, "url"));
      return this;
    }

    /** The Redis to use, with every connection option. */
    public Builder connection(RedisConnectionOptions connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** Prefix of the bucket keys; not empty. Defaults to {@value #DEFAULT_KEY_PREFIX}. */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isEmpty()) {
        throw new IllegalArgumentException("keyPrefix must not be empty");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** How long an event waits on Redis, connecting included; &gt; 0. Defaults to 100 ms. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = RedisConnectionOptions.Builder.positive("commandTimeout", commandTimeout);
      return this;
    }

    public RedisRateLimitStore build() {
      return new RedisRateLimitStore(this);
    }
  }
}
