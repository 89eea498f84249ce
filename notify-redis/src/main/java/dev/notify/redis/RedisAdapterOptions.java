package dev.notify.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisAdapter} reaches Redis and the other nodes. Immutable; build with {@link #builder()}, derive
 * with {@link #toBuilder()}. Every node of one cluster must agree on {@link #mode()}, {@link #key()} and (sharded)
 * {@link #subscriptionMode()}; the Node.js adapter's defaults are the defaults here.
 *
 * <pre>{@code
 * RedisAdapterOptions options = RedisAdapterOptions.builder()
 *     .url("redis://redis.internal:6379")
 *     .mode(RedisMode.SHARDED)
 *     .requestsTimeout(Duration.ofSeconds(3))
 *     .build();
 * }</pre>
 */
public final class RedisAdapterOptions {

  /** Default channel prefix, as the Node adapter's {@code key} / {@code channelPrefix}: {@value}. */
  public static final String DEFAULT_KEY = "socket.io";
  /** Default mode: {@link RedisMode#CLASSIC}. */
  public static final RedisMode DEFAULT_MODE = RedisMode.CLASSIC;
  /** Default subscription mode of {@link RedisMode#SHARDED}: {@link SubscriptionMode#DYNAMIC}, as Node. */
  public static final SubscriptionMode DEFAULT_SUBSCRIPTION_MODE = SubscriptionMode.DYNAMIC;
  /** Default time a cluster request (fetchSockets, serverSideEmit with acks, allRooms) waits for answers: 5 s. */
  public static final Duration DEFAULT_REQUESTS_TIMEOUT = Duration.ofSeconds(5);
  /** Default size of the outgoing queue; publishes beyond it are dropped and counted: {@value}. */
  public static final int DEFAULT_PUBLISH_QUEUE_CAPACITY = 65_536;
  /** Default size of each namespace's incoming queue; messages beyond it are dropped and counted: {@value}. */
  public static final int DEFAULT_INBOUND_QUEUE_CAPACITY = 65_536;
  /** Default first delay before reconnecting to Redis: 100 ms. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(100);
  /** Default largest delay between reconnection attempts: 5 s. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);
  /** Default interval of the PING that checks a subscription is alive (it is dropped after two silent ones): 2 s. */
  public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(2);

  private final RedisConnectionOptions connection;
  private final RedisMode mode;
  private final String key;
  private final SubscriptionMode subscriptionMode;
  private final Duration requestsTimeout;
  private final boolean publishOnSpecificResponseChannel;
  private final int publishQueueCapacity;
  private final int inboundQueueCapacity;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final Duration healthCheckInterval;

  private RedisAdapterOptions(Builder b) {
    this.connection = b.connection;
    this.mode = b.mode;
    this.key = b.key;
    this.subscriptionMode = b.subscriptionMode;
    this.requestsTimeout = b.requestsTimeout;
    this.publishOnSpecificResponseChannel = b.publishOnSpecificResponseChannel;
    this.publishQueueCapacity = b.publishQueueCapacity;
    this.inboundQueueCapacity = b.inboundQueueCapacity;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.healthCheckInterval = b.healthCheckInterval;
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

  public RedisMode mode() {
    return mode;
  }

  public String key() {
    return key;
  }

  public SubscriptionMode subscriptionMode() {
    return subscriptionMode;
  }

  public Duration requestsTimeout() {
    return requestsTimeout;
  }

  public boolean publishOnSpecificResponseChannel() {
    return publishOnSpecificResponseChannel;
  }

  public int publishQueueCapacity() {
    return publishQueueCapacity;
  }

  public int inboundQueueCapacity() {
    return inboundQueueCapacity;
  }

  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  public Duration healthCheckInterval() {
    return healthCheckInterval;
  }

  @Override
  public String toString() {
    return "RedisAdapterOptions{connection=" + connection + ", mode=" + mode + ", key=" + key
        + ", subscriptionMode=" + subscriptionMode + ", requestsTimeout=" + requestsTimeout
        + ", publishOnSpecificResponseChannel=" + publishOnSpecificResponseChannel + ", publishQueueCapacity="
        + publishQueueCapacity + ", inboundQueueCapacity=" + inboundQueueCapacity + ", reconnectMinDelay="
        + reconnectMinDelay + ", reconnectMaxDelay=" + reconnectMaxDelay + ", healthCheckInterval="
        + healthCheckInterval + '}';
  }

  /** Builds {@link RedisAdapterOptions}; each setter checks its value and names the option it refuses. Not thread-safe. */
  public static final class Builder {
    private RedisConnectionOptions connection = RedisConnectionOptions.builder().build();
    private RedisMode mode = DEFAULT_MODE;
    private String key = DEFAULT_KEY;
    private SubscriptionMode subscriptionMode = DEFAULT_SUBSCRIPTION_MODE;
    private Duration requestsTimeout = DEFAULT_REQUESTS_TIMEOUT;
    private boolean publishOnSpecificResponseChannel;
    private int publishQueueCapacity = DEFAULT_PUBLISH_QUEUE_CAPACITY;
    private int inboundQueueCapacity = DEFAULT_INBOUND_QUEUE_CAPACITY;
    private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;

    private Builder() {
    }

    private Builder(RedisAdapterOptions o) {
      connection = o.connection;
      mode = o.mode;
      key = o.key;
      subscriptionMode = o.subscriptionMode;
      requestsTimeout = o.requestsTimeout;
      publishOnSpecificResponseChannel = o.publishOnSpecificResponseChannel;
      publishQueueCapacity = o.publishQueueCapacity;
      inboundQueueCapacity = o.inboundQueueCapacity;
      reconnectMinDelay = o.reconnectMinDelay;
      reconnectMaxDelay = o.reconnectMaxDelay;
      healthCheckInterval = o.healthCheckInterval;
    }

    /** One Redis server, see {@link RedisConnectionOptions.Builder#url}. */
    public Builder url(String url) {
      this.connection = RedisConnectionOptions.fromUrl(url);
      return this;
    }

    /** Where Redis is. Defaults to {@code redis://127.0.0.1:6379}. */
    public Builder connection(RedisConnectionOptions connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** The pub/sub flavour and schema. Defaults to {@link #DEFAULT_MODE} ({@link RedisMode#CLASSIC}). */
    public Builder mode(RedisMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The channel prefix; not empty, no {@code #}. Defaults to {@value #DEFAULT_KEY}. */
    public Builder key(String key) {
      Objects.requireNonNull(key, "key");
      if (key.isEmpty() || key.indexOf('#') >= 0) {
        throw new IllegalArgumentException("key must be non-empty and must not contain '#', was '" + key + "'");
      }
      this.key = key;
      return this;
    }

    /** The channels of {@link RedisMode#SHARDED}. Defaults to {@link #DEFAULT_SUBSCRIPTION_MODE} (DYNAMIC). */
    public Builder subscriptionMode(SubscriptionMode subscriptionMode) {
      this.subscriptionMode = Objects.requireNonNull(subscriptionMode, "subscriptionMode");
      return this;
    }

    /** How long a cluster request waits for the other nodes; &gt; 0. Defaults to {@link #DEFAULT_REQUESTS_TIMEOUT} (5 s). */
    public Builder requestsTimeout(Duration requestsTimeout) {
      this.requestsTimeout = RedisConnectionOptions.Builder.positive("requestsTimeout", requestsTimeout);
      return this;
    }

    /**
     * {@link RedisMode#CLASSIC} only: answer each request on {@code <key>-response#<nsp>#<requesterUid>#} rather
     * than the shared response channel, as the Node option of the same name. Every node subscribes to both, so a
     * cluster may mix the two settings. Defaults to {@code false}.
     */
    public Builder publishOnSpecificResponseChannel(boolean publishOnSpecificResponseChannel) {
      this.publishOnSpecificResponseChannel = publishOnSpecificResponseChannel;
      return this;
    }

    /**
     * How many messages may wait to be published; 1..10,000,000. When full, or while Redis is unreachable,
     * broadcasts are dropped and counted ({@link RedisAdapterFactory#droppedPublishes()}) and requests fail at
     * once: a caller never blocks. Defaults to {@value #DEFAULT_PUBLISH_QUEUE_CAPACITY}.
     */
    public Builder publishQueueCapacity(int publishQueueCapacity) {
      this.publishQueueCapacity = range("publishQueueCapacity", publishQueueCapacity, 1, 10_000_000);
      return this;
    }

    /**
     * How many received messages may wait to be applied, per namespace; 1..10,000,000. Beyond it they are dropped
     * and counted ({@link RedisAdapterFactory#droppedInbound()}). Defaults to
     * {@value #DEFAULT_INBOUND_QUEUE_CAPACITY}.
     */
    public Builder inboundQueueCapacity(int inboundQueueCapacity) {
      this.inboundQueueCapacity = range("inboundQueueCapacity", inboundQueueCapacity, 1, 10_000_000);
      return this;
    }

    /** First reconnection delay; &gt; 0. Doubles after each failure, with jitter. Defaults to 100 ms. */
    public Builder reconnectMinDelay(Duration reconnectMinDelay) {
      this.reconnectMinDelay = RedisConnectionOptions.Builder.positive("reconnectMinDelay", reconnectMinDelay);
      return this;
    }

    /** Largest reconnection delay; &gt; 0 and &ge; reconnectMinDelay. Defaults to 5 s. */
    public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
      this.reconnectMaxDelay = RedisConnectionOptions.Builder.positive("reconnectMaxDelay", reconnectMaxDelay);
      return this;
    }

    /** Interval of the subscription's PING health check; &gt; 0. Defaults to 2 s. */
    public Builder healthCheckInterval(Duration healthCheckInterval) {
      this.healthCheckInterval = RedisConnectionOptions.Builder.positive("healthCheckInterval", healthCheckInterval);
      return this;
    }

    public RedisAdapterOptions build() {
      RedisConnectionOptions.Builder.reconnectDelaysInOrder(reconnectMinDelay, reconnectMaxDelay);
      return new RedisAdapterOptions(this);
    }

    static int range(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + value);
      }
      return value;
    }
  }
}
