package dev.notify.cdi;

import dev.notify.core.server.NotifyServer;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the {@code notify.*} settings to a server builder: the names, formats and meaning of the Spring Boot
 * starter's properties, read as text from any configuration. A setting that is absent leaves the builder's value;
 * one the builder refuses fails naming its property.
 */
final class ServerConfig {

  /** A configuration: the value of a setting, or its comma-separated values. */
  interface Source {

    Optional<String> value(String name);

    Optional<List<String>> values(String name);
  }

  /** No configuration: the builder as it is. */
  static final Source NONE = new Source() {
    @Override
    public Optional<String> value(String name) {
      return Optional.empty();
    }

    @Override
    public Optional<List<String>> values(String name) {
      return Optional.empty();
    }
  };

  static final String REDIS_URL = "notify.redis.url";
  static final String REDIS_KEY = "notify.redis.key";

  /** {@code 25s}, {@code 500ms}, {@code 2m}: Spring's simple duration format; a bare number is milliseconds. */
  private static final Pattern SIMPLE_DURATION = Pattern.compile("([-+]?\\d+)(ms|s|m|h|d)?");

  private ServerConfig() {
  }

  static void apply(Source source, NotifyServer.Builder b) {
    source.value("notify.path").ifPresent(v -> set("notify.path", "path", v, b::path));
    duration(source, "notify.ping-interval", "pingInterval", b::pingInterval);
    duration(source, "notify.ping-timeout", "pingTimeout", b::pingTimeout);
    source.value("notify.max-payload")
        .ifPresent(v -> set("notify.max-payload", "maxPayload", integer("notify.max-payload", v), b::maxPayload));
    source.values("notify.transports").ifPresent(v -> set("notify.transports", "transports",
        v.toArray(String[]::new), b::transports));
    source.values("notify.allowed-origins").ifPresent(v -> set("notify.allowed-origins", "allowedOrigins",
        v.toArray(String[]::new), b::allowedOrigins));
    source.value("notify.allow-credentials")
        .ifPresent(v -> b.allowCredentials(bool("notify.allow-credentials", v)));
    duration(source, "notify.connection-state-recovery", "maxDisconnectionDuration", b::connectionStateRecovery);
    Optional<String> redis = source.value(REDIS_URL);
    if (redis.isPresent()) {
      requireRedisJar();
      b.adapter(RedisSupport.adapter(redis.get(), source.value(REDIS_KEY)));
    }
  }

  private static void requireRedisJar() {
    try {
      Class.forName("dev.notify.redis.RedisAdapter", false, ServerConfig.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(REDIS_URL + " is set but dev.notify:notify-redis is not on the class path: "
          + "add it, or remove the property for a single node", e);
    }
  }

  /** Builds; the one rule the builder checks across options is credentials with any origin. */
  static NotifyServer build(Source source, NotifyServer.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      if (source.value("notify.allow-credentials").isEmpty() && source.values("notify.allowed-origins").isEmpty()) {
        throw e;
      }
      throw new IllegalArgumentException("notify.allow-credentials and notify.allowed-origins: " + e.getMessage(),
          e);
    }
  }

  /**
   * Applies one value; the builder's message names its own option ({@code pingInterval must be > 0, was PT-1S}):
   * that name becomes the property's.
   */
  static <T> void set(String property, String option, T value, Consumer<T> setter) {
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

  private static void duration(Source source, String property, String option, Consumer<Duration> setter) {
    source.value(property).ifPresent(v -> set(property, option, duration(property, v), setter));
  }

  static Duration duration(String property, String text) {
    String value = text.strip();
    Matcher simple = SIMPLE_DURATION.matcher(value.toLowerCase(Locale.ROOT));
    try {
      if (simple.matches()) {
        long amount = Long.parseLong(simple.group(1));
        String unit = simple.group(2) == null ? "ms" : simple.group(2);
        return switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
      }
      return Duration.parse(value);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be a duration such as 25s, 500ms or PT25S, was '"
          + text + "'", e);
    }
  }

  private static int integer(String property, String text) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " must be an integer, was '" + text + "'", e);
    }
  }

  private static boolean bool(String property, String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(property + " must be true or false, was '" + text + "'");
    };
  }
}
