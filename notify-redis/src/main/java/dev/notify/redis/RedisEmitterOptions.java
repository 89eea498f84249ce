package dev.notify.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisEmitter} reaches the cluster. Immutable; build with {@link #builder()}, derive with
 * {@link #toBuilder()}. {@link #mode()}, {@link #key()} and {@link #subscriptionMode()} must match the cluster's
 * adapters.
 */
public final class RedisEmitterOptions {

  private final RedisConnectionOptions connection;
  private final RedisMode mode;
  private final String key;
  private final SubscriptionMode subscriptionMode;
  private final ObjectMapper objectMapper;
  private final int publishQueueCapacity;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;

  private RedisEmitterOptions(Builder b) {
    this.connection = b.connection;
    this.mode = b.mode;
    this.key = b.key;
    this.subscriptionMode = b.subscriptionMode;
    this.objectMapper = b.objectMapper;
    this.publishQueueCapacity = b.publishQueueCapacity;
    this.reconnectMinDelay = b.reconnectMinDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
  }

  /** A builder with the defaults of {@link RedisAdapterOptions}, connecting to {@code redis://127.0.0.1:6379}. */
  public static Builder builder() {
    return new Builder();
  }

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

  /** Serializes event arguments; {@code byte[]} become binary. */
  public ObjectMapper objectMapper() {
    return objectMapper;
  }

  public int publishQueueCapacity() {
    return publishQueueCapacity;
  }

  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  @Override
  public String toString() {
    return "RedisEmitterOptions{connection=" + connection + ", mode=" + mode + ", key=" + key
        + ", subscriptionMode=" + subscriptionMode + ", objectMapper=" + objectMapper.getClass().getSimpleName()
        + ", publishQueueCapacity=" + publishQueueCapacity + ", reconnectMinDelay=" + reconnectMinDelay
        + ", reconnectMaxDelay=" + reconnectMaxDelay + '}';
  }

  /** Builds {@link RedisEmitterOptions}; each setter checks its value and names the option it refuses. */
  public static final class Builder {
    private RedisConnectionOptions connection = RedisConnectionOptions.builder().build();
    private RedisMode mode = RedisAdapterOptions.DEFAULT_MODE;
    private String key = RedisAdapterOptions.DEFAULT_KEY;
    private SubscriptionMode subscriptionMode = RedisAdapterOptions.DEFAULT_SUBSCRIPTION_MODE;
    private ObjectMapper objectMapper = JsonMapper.builder().build();
    private int publishQueueCapacity = RedisAdapterOptions.DEFAULT_PUBLISH_QUEUE_CAPACITY;
    private Duration reconnectMinDelay = RedisAdapterOptions.DEFAULT_RECONNECT_MIN_DELAY;
    private Duration reconnectMaxDelay = RedisAdapterOptions.DEFAULT_RECONNECT_MAX_DELAY;

    private Builder() {
    }

    private Builder(RedisEmitterOptions o) {
      connection = o.connection;
      mode = o.mode;
      key = o.key;
      subscriptionMode = o.subscriptionMode;
      objectMapper = o.objectMapper;
      publishQueueCapacity = o.publishQueueCapacity;
      reconnectMinDelay = o.reconnectMinDelay;
      reconnectMaxDelay = o.reconnectMaxDelay;
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

    /** The cluster's mode. Defaults to {@link RedisAdapterOptions#DEFAULT_MODE} (CLASSIC). */
    public Builder mode(RedisMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The cluster's channel prefix. Defaults to {@value RedisAdapterOptions#DEFAULT_KEY}. */
    public Builder key(String key) {
      this.key = RedisAdapterOptions.builder().key(key).build().key();
      return this;
    }

    /** The cluster's subscription mode (sharded only). Defaults to DYNAMIC. */
    public Builder subscriptionMode(SubscriptionMode subscriptionMode) {
      this.subscriptionMode = Objects.requireNonNull(subscriptionMode, "subscriptionMode");
      return this;
    }

    /** Serializes event arguments. Defaults to a plain {@link JsonMapper}. */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /** See {@link RedisAdapterOptions.Builder#publishQueueCapacity}. */
    public Builder publishQueueCapacity(int publishQueueCapacity) {
      this.publishQueueCapacity = RedisAdapterOptions.Builder.range("publishQueueCapacity", publishQueueCapacity, 1,
          10_000_000);
      return this;
    }

    /** See {@link RedisAdapterOptions.Builder#reconnectMinDelay}. */
    public Builder reconnectMinDelay(Duration reconnectMinDelay) {
      this.reconnectMinDelay = RedisConnectionOptions.Builder.positive("reconnectMinDelay", reconnectMinDelay);
      return this;
    }

    /** See {@link RedisAdapterOptions.Builder#reconnectMaxDelay}. */
    public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
      this.reconnectMaxDelay = RedisConnectionOptions.Builder.positive("reconnectMaxDelay", reconnectMaxDelay);
      return this;
    }

    public RedisEmitterOptions build() {
      RedisConnectionOptions.Builder.reconnectDelaysInOrder(reconnectMinDelay, reconnectMaxDelay);
      return new RedisEmitterOptions(this);
    }
  }
}
