package dev.notify.spring;

import dev.notify.core.server.EngineOptions;
import dev.notify.core.server.ServerOptions;
import dev.notify.redis.RedisAdapterOptions;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code notify.*} properties of the auto-configured {@code NotifyServer}. The defaults are notify's own (the
 * {@code DEFAULT_*} constants of {@link EngineOptions}, {@link ServerOptions} and {@link RedisAdapterOptions}, which
 * match Socket.IO's); a value the server refuses fails the application's startup, naming the property.
 *
 * <p>Immutable.
 *
 * @param path the HTTP path of the transports, starting and ending with {@code /}
 * @param pingInterval how often each client is pinged; &gt; 0
 * @param pingTimeout how long to wait for a pong before closing; &gt; 0
 * @param maxPayload the largest message a client may send, in bytes; &gt; 0
 * @param allowedOrigins the origins of pages allowed to connect ({@code *} for any); empty: the page's own only
 * @param allowCredentials whether cross-origin polling requests may carry cookies
 * @param transports the transports clients may use: {@code polling}, {@code websocket}
 * @param connectionStateRecovery how long a disconnected client may come back and recover its session and missed
 *     events; unset: off
 * @param redis the Redis cluster adapter, on when {@code notify.redis.url} is set
 * @param server whether this application serves clients ({@code notify.server.enabled}, default true); with
 *     {@code false} it only sends, through Redis: its {@code Emitter} bean is a {@code RedisEmitter}
 * @param notifications the notification engine: a {@code NotificationService} bean when
 *     {@code notify.notifications.enabled}
 */
@ConfigurationProperties("notify")
public record NotifyProperties(
    @DefaultValue(ServerOptions.DEFAULT_PATH) String path,
    @DefaultValue("25s") Duration pingInterval,
    @DefaultValue("20s") Duration pingTimeout,
    @DefaultValue("1000000") int maxPayload,
    @DefaultValue List<String> allowedOrigins,
    @DefaultValue("false") boolean allowCredentials,
    @DefaultValue({"polling", "websocket"}) List<String> transports,
    Duration connectionStateRecovery,
    @DefaultValue Redis redis,
    @DefaultValue Server server,
    @DefaultValue Notifications notifications) {

  public NotifyProperties {
    allowedOrigins = List.copyOf(allowedOrigins);
    transports = List.copyOf(transports);
  }

  /**
   * The Redis cluster adapter (notify-redis on the class path).
   *
   * @param url where Redis is, {@code redis://[user:password@]host:port[/db]}; unset: a single node, in memory
   * @param key the channel prefix, shared by the nodes of one cluster
   */
  public record Redis(String url, @DefaultValue(RedisAdapterOptions.DEFAULT_KEY) String key) {
  }

  /** @param enabled false for an application that only sends (no endpoint, a {@code RedisEmitter}) */
  public record Server(@DefaultValue("true") boolean enabled) {
  }

  /**
   * The notification engine. Its store is a {@code RedisNotificationStore} when {@code notify.redis.url} is set,
   * else in memory (one node); a {@code NotificationStore} bean of the application replaces either.
   *
   * @param enabled whether to create the {@code NotificationService} bean
   * @param keyPrefix the prefix of the Redis store's keys, shared by the nodes and senders of one application
   */
  public record Notifications(@DefaultValue("false") boolean enabled,
      @DefaultValue(DEFAULT_NOTIFICATIONS_KEY_PREFIX) String keyPrefix) {
  }

  /** As {@code RedisNotificationStoreOptions.DEFAULT_KEY_PREFIX}, which an annotation cannot name. */
  static final String DEFAULT_NOTIFICATIONS_KEY_PREFIX = "notify";
}
