package dev.notify.jakarta.internal;

import dev.notify.core.server.NotifyServer;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code notify.*} settings of the framework integrations (notify-spring-boot-starter, notify-cdi), each of
 * which binds them its own way; applied here the same way for both, a value the builder refuses failing with the
 * name of its property. A null component is an absent setting: it leaves the builder's value.
 *
 * <p>Not API: exported only to those two modules. Used by the thread that builds the server, then dropped.
 */
public record ServerSettings(String path, Duration pingInterval, Duration pingTimeout, Integer maxPayload,
    List<String> transports, List<String> allowedOrigins, Boolean allowCredentials,
    Duration connectionStateRecovery) {

  public static final String PATH = "notify.path";
  public static final String PING_INTERVAL = "notify.ping-interval";
  public static final String PING_TIMEOUT = "notify.ping-timeout";
  public static final String MAX_PAYLOAD = "notify.max-payload";
  public static final String TRANSPORTS = "notify.transports";
  public static final String ALLOWED_ORIGINS = "notify.allowed-origins";
  public static final String ALLOW_CREDENTIALS = "notify.allow-credentials";
  public static final String CONNECTION_STATE_RECOVERY = "notify.connection-state-recovery";
  public static final String REDIS_URL = "notify.redis.url";
  public static final String REDIS_KEY = "notify.redis.key";

  /** Sets each present setting on the builder, in this order; the first it refuses fails naming its property. */
  public void applyTo(NotifyServer.Builder b) {
    setIfPresent(PATH, "path", path, b::path);
    setIfPresent(PING_INTERVAL, "pingInterval", pingInterval, b::pingInterval);
    setIfPresent(PING_TIMEOUT, "pingTimeout", pingTimeout, b::pingTimeout);
    setIfPresent(MAX_PAYLOAD, "maxPayload", maxPayload, b::maxPayload);
    setIfPresent(TRANSPORTS, "transports", array(transports), b::transports);
    setIfPresent(ALLOWED_ORIGINS, "allowedOrigins", array(allowedOrigins), b::allowedOrigins);
    setIfPresent(ALLOW_CREDENTIALS, "allowCredentials", allowCredentials, b::allowCredentials);
    setIfPresent(CONNECTION_STATE_RECOVERY, "maxDisconnectionDuration", connectionStateRecovery,
        b::connectionStateRecovery);
  }

  /**
   * Builds; the one rule the builder checks across options is credentials with any origin, named after both
   * properties when either is set (else the application's builder broke it, and its message stands).
   */
  public NotifyServer build(NotifyServer.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      if (allowCredentials == null && allowedOrigins == null) {
        throw e;
      }
      throw new IllegalArgumentException(ALLOW_CREDENTIALS + " and " + ALLOWED_ORIGINS + ": " + e.getMessage(), e);
    }
  }

  private static String[] array(List<String> values) {
    return values == null ? null : values.toArray(String[]::new);
  }

  private static <T> void setIfPresent(String property, String option, T value, Consumer<T> setter) {
    if (value != null) {
      set(property, option, value, setter);
    }
  }

  /**
   * Applies one value; the builder's message names its own option ({@code pingInterval must be > 0, was PT-1S}):
   * that name becomes the property's.
   */
  public static <T> void set(String property, String option, T value, Consumer<T> setter) {
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      String detail = String.valueOf(e.getMessage());
      String message = detail.startsWith(option + " ")
          ? property + detail.substring(option.length())
          : property + " is invalid: " + detail;
      throw new IllegalArgumentException(message, e);
    }
  }
}
