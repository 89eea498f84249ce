package dev.notify.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisNotificationStore} reaches Redis and what it keeps. Immutable; build with {@link #builder()},
 * derive with {@link #toBuilder()}. Every node and sender of one application must use the same
 * {@link #keyPrefix()} and {@link #consumerGroup()}.
 *
 * <pre>{@code
 * RedisNotificationStoreOptions.builder()
 *     .url("redis://redis.internal:6379")
 *     .maxPerUser(500)
 *     .maxAge(Duration.ofDays(14))
 *     .build();
 * }</pre>
 */
public final class RedisNotificationStoreOptions {

  /** Defaults to {@value}: the first part of every key. */
  public static final String DEFAULT_KEY_PREFIX = "notify";
  /** Defaults to {@value}: notifications kept per user; the oldest go first. */
  public static final int DEFAULT_MAX_PER_USER = 1000;
  /** Defaults to 30 days: notifications older than this leave the inbox. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
  /** Defaults to {@value}: the consumer group the nodes claim delivery jobs through. */
  public static final String DEFAULT_CONSUMER_GROUP = "notify";
  /** Defaults to {@value}: store calls waiting for a Redis connection; past it, calls fail at once. */
  public static final int DEFAULT_MAX_QUEUED_COMMANDS = 65_536;

  private final RedisConnectionOptions connection;
  private final String keyPrefix;
  private final int maxPerUser;
  private final Duration maxAge;
  private final String consumerGroup;
  private final int maxQueuedCommands;

  private RedisNotificationStoreOptions(Builder b) {
    this.connection = b.connection;
    this.keyPrefix = b.keyPrefix;
    this.maxPerUser = b.maxPerUser;
    this.maxAge = b.maxAge;
    this.consumerGroup = b.consumerGroup;
    this.maxQueuedCommands = b.maxQueuedCommands;
  }

  /** A builder with the defaults, connecting to {@code redis://127.0.0.1:6379}. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Where Redis is: one server, a Redis Cluster or a Sentinel-managed master. */
  public RedisConnectionOptions connection() {
    return connection;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  public int maxPerUser() {
    return maxPerUser;
  }

  public Duration maxAge() {
    return maxAge;
  }

  public String consumerGroup() {
    return consumerGroup;
  }

  public int maxQueuedCommands() {
    return maxQueuedCommands;
  }

  @Override
  public String toString() {
    return "RedisNotificationStoreOptions{connection=" + connection + ", keyPrefix=" + keyPrefix + ", maxPerUser="
        + maxPerUser + ", maxAge=" + maxAge + ", consumerGroup=" + consumerGroup + ", maxQueuedCommands="
        + maxQueuedCommands + '}';
  }

  /** Builds {@link RedisNotificationStoreOptions}; each setter checks its value and names the option it refuses. */
  public static final class Builder {
    private RedisConnectionOptions connection = RedisConnectionOptions.builder().build();
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int maxPerUser = DEFAULT_MAX_PER_USER;
    private Duration maxAge = DEFAULT_MAX_AGE;
    private String consumerGroup = DEFAULT_CONSUMER_GROUP;
    private int maxQueuedCommands = DEFAULT_MAX_QUEUED_COMMANDS;

    private Builder() {
    }

    private Builder(RedisNotificationStoreOptions o) {
      connection = o.connection;
      keyPrefix = o.keyPrefix;
      maxPerUser = o.maxPerUser;
      maxAge = o.maxAge;
      consumerGroup = o.consumerGroup;
      maxQueuedCommands = o.maxQueuedCommands;
    }

    /** One Redis server: {@code redis[s]://[[user]:password@]host[:port][/database]}. */
    public Builder url(String url) {
      this.connection = RedisConnectionOptions.fromUrl(url);
      return this;
    }

    /**
     * Where Redis is (a server, a Redis Cluster, a Sentinel master) and how to log in. Its
     * {@link RedisConnectionOptions#poolSize() poolSize} is also the number of the store's I/O threads. Defaults
     * to {@code redis://127.0.0.1:6379}.
     */
    public Builder connection(RedisConnectionOptions connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * The first part of every key; not blank, no braces (keys are hash-tagged {@code {<prefix>:u:<userId>}} and
     * {@code {<prefix>:q}}). Defaults to {@value #DEFAULT_KEY_PREFIX}.
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isBlank() || keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix must not be blank nor contain '{' or '}', was '" + keyPrefix
            + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Notifications kept per user, the oldest dropped first; 1..1,000,000. Defaults to {@value #DEFAULT_MAX_PER_USER}. */
    public Builder maxPerUser(int maxPerUser) {
      this.maxPerUser = RedisAdapterOptions.Builder.range("maxPerUser", maxPerUser, 1, 1_000_000);
      return this;
    }

    /** How long notifications are kept; &ge; 1 s. Defaults to {@link #DEFAULT_MAX_AGE} (30 days). */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("maxAge must be >= 1 s, was " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** The consumer group of the delivery streams; not blank. Defaults to {@value #DEFAULT_CONSUMER_GROUP}. */
    public Builder consumerGroup(String consumerGroup) {
      Objects.requireNonNull(consumerGroup, "consumerGroup");
      if (consumerGroup.isBlank()) {
        throw new IllegalArgumentException("consumerGroup must not be blank");
      }
      this.consumerGroup = consumerGroup;
      return this;
    }

    /**
     * Store calls that may wait for a Redis connection (each holds its arguments, about 1 KB for a save); past
     * it, calls fail at once with a {@code NotificationException}; 1..10,000,000. Defaults to
     * {@value #DEFAULT_MAX_QUEUED_COMMANDS}.
     */
    public Builder maxQueuedCommands(int maxQueuedCommands) {
      this.maxQueuedCommands = RedisAdapterOptions.Builder.range("maxQueuedCommands", maxQueuedCommands, 1,
          10_000_000);
      return this;
    }

    public RedisNotificationStoreOptions build() {
      return new RedisNotificationStoreOptions(this);
    }
  }
}
