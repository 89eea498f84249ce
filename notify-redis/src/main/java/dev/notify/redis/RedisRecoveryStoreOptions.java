package dev.notify.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.ServerOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisRecoveryStore} reaches Redis and what it keeps there. Immutable; build with {@link #builder()},
 * derive with {@link #toBuilder()}. Every node of one cluster must use the same Redis, {@link #keyPrefix()} and
 * {@link #maxDisconnectionDuration()} (the one given to {@code NotifyServer.Builder.connectionStateRecovery}).
 *
 * <pre>{@code
 * RedisRecoveryStoreOptions options = RedisRecoveryStoreOptions.builder()
 *     .url("redis://redis.internal:6379")
 *     .maxDisconnectionDuration(Duration.ofMinutes(2))
 *     .maxLength(50_000)
 *     .build();
 * }</pre>
 */
public final class RedisRecoveryStoreOptions {

  /** Default prefix of every key the store writes: {@value}. */
  public static final String DEFAULT_KEY_PREFIX = "notify:recovery";
  /** Default number of events kept per namespace (approximately, {@code XADD MAXLEN ~}): {@value}, as Node's. */
  public static final long DEFAULT_MAX_LENGTH = 10_000;
  /** Default bound of each Redis call, connecting and waiting for a pooled connection included: 500 ms. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** Default first delay between the checks that find Redis back after an outage: 100 ms. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(100);
  /** Default largest delay between those checks: 5 s. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);

  private final RedisConnectionOptions connection;
  private final String keyPrefix;
  private final Duration maxDisconnectionDuration;
  private final long maxLength;
  private final Duration commandTimeout;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final ObjectMapper objectMapper;

  private RedisRecoveryStoreOptions(Builder b) {
    this.connection = b.connection;
    this.keyPrefix = b.keyPrefix;
    this.maxDisconnectionDuration = b.maxDisconnectionDuration;
    this.maxLength = b.maxLength;
    this.commandTimeout = b.commandTimeout;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.objectMapper = b.objectMapper;
  }

  /** A builder with every default, connecting to {@code redis://127.0.0.1:6379}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder filled with these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public RedisConnectionOptions connection() {
    return connection;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  public Duration maxDisconnectionDuration() {
    return maxDisconnectionDuration;
  }

  public long maxLength() {
    return maxLength;
  }

  public Duration commandTimeout() {
    return commandTimeout;
  }

  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /** The mapper that turns event arguments and socket data into JSON; {@code null} for a plain one. */
  public ObjectMapper objectMapper() {
    return objectMapper;
  }

  @Override
  public String toString() {
    return "RedisRecoveryStoreOptions{connection=" + connection + ", keyPrefix=" + keyPrefix
        + ", maxDisconnectionDuration=" + maxDisconnectionDuration + ", maxLength=" + maxLength
        + ", commandTimeout=" + commandTimeout + ", reconnectMinDelay=" + reconnectMinDelay + ", reconnectMaxDelay="
        + reconnectMaxDelay + ", objectMapper=" + (objectMapper == null ? "default" : objectMapper.getClass()
        .getName()) + '}';
  }

  /**
   * Builds {@link RedisRecoveryStoreOptions}; each setter checks its value and names the option it refuses. Not
   * thread-safe.
   */
  public static final class Builder {
    private RedisConnectionOptions connection = RedisConnectionOptions.builder().build();
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration maxDisconnectionDuration = ServerOptions.DEFAULT_MAX_DISCONNECTION_DURATION;
    private long maxLength = DEFAULT_MAX_LENGTH;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private ObjectMapper objectMapper;

    private Builder() {
    }

    private Builder(RedisRecoveryStoreOptions o) {
      connection = o.connection;
      keyPrefix = o.keyPrefix;
      maxDisconnectionDuration = o.maxDisconnectionDuration;
      maxLength = o.maxLength;
      commandTimeout = o.commandTimeout;
      reconnectMinDelay = o.reconnectMinDelay;
      reconnectMaxDelay = o.reconnectMaxDelay;
      objectMapper = o.objectMapper;
    }

    /** One Redis server, see {@link RedisConnectionOptions.Builder#url}. */
    public Builder url(String url) {
      this.connection = RedisConnectionOptions.fromUrl(url);
      return this;
    }

    /**
     * Where Redis is (one server, a Redis Cluster or Sentinel). Defaults to {@code redis://127.0.0.1:6379}. Its
     * {@code connectTimeout} and {@code socketTimeout} are replaced by {@link #commandTimeout} for this store.
     */
    public Builder connection(RedisConnectionOptions connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /**
     * The prefix of the keys: {@code <prefix>:stream:<namespace>} (the events) and {@code <prefix>:session:<pid>}
     * (the sessions); not empty. Defaults to {@value #DEFAULT_KEY_PREFIX}.
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isEmpty()) {
        throw new IllegalArgumentException("keyPrefix must not be empty");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * The server's {@code maxDisconnectionDuration}; &gt; 0. A namespace's event stream that receives no event for
     * that long expires, as the in-memory store forgets events that old. Defaults to
     * {@link ServerOptions#DEFAULT_MAX_DISCONNECTION_DURATION} (2 min).
     */
    public Builder maxDisconnectionDuration(Duration maxDisconnectionDuration) {
      this.maxDisconnectionDuration = RedisConnectionOptions.Builder.positive("maxDisconnectionDuration",
          maxDisconnectionDuration);
      return this;
    }

    /**
     * How many events each namespace's stream keeps, approximately ({@code XADD MAXLEN ~}: Redis trims whole
     * blocks, so a few more may stay); &ge; 1. A client whose last event was trimmed starts afresh. Defaults to
     * {@value #DEFAULT_MAX_LENGTH}.
     */
    public Builder maxLength(long maxLength) {
      if (maxLength < 1) {
        throw new IllegalArgumentException("maxLength must be >= 1, was " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Bounds each Redis call of the store: connecting, waiting for a pooled connection, and reading the reply;
     * &gt; 0. An emit waits at most about this long for its offset before it is sent without one. Defaults to
     * {@link #DEFAULT_COMMAND_TIMEOUT} (500 ms).
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = RedisConnectionOptions.Builder.positive("commandTimeout", commandTimeout);
      return this;
    }

    /**
     * First delay between the checks that find Redis back; &gt; 0. Defaults to {@link #DEFAULT_RECONNECT_MIN_DELAY}
     * (100 ms).
     */
    public Builder reconnectMinDelay(Duration reconnectMinDelay) {
      this.reconnectMinDelay = RedisConnectionOptions.Builder.positive("reconnectMinDelay", reconnectMinDelay);
      return this;
    }

    /** Largest delay between those checks; &gt; 0. Defaults to {@link #DEFAULT_RECONNECT_MAX_DELAY} (5 s). */
    public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
      this.reconnectMaxDelay = RedisConnectionOptions.Builder.positive("reconnectMaxDelay", reconnectMaxDelay);
      return this;
    }

    /**
     * The mapper for event arguments and socket data: give the server's ({@code NotifyServer.Builder.objectMapper})
     * so POJOs are stored as the clients see them. Defaults to a plain {@code JsonMapper}.
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /** @throws IllegalArgumentException when {@code reconnectMinDelay} exceeds {@code reconnectMaxDelay} */
    public RedisRecoveryStoreOptions build() {
      if (reconnectMinDelay.compareTo(reconnectMaxDelay) > 0) {
        throw new IllegalArgumentException("reconnectMinDelay must be <= reconnectMaxDelay, was " + reconnectMinDelay
            + " > " + reconnectMaxDelay);
      }
      return new RedisRecoveryStoreOptions(this);
    }
  }
}
