package dev.notify.cdi;

import static dev.notify.jakarta.internal.ServerSettings.ALLOWED_ORIGINS;
import static dev.notify.jakarta.internal.ServerSettings.ALLOW_CREDENTIALS;
import static dev.notify.jakarta.internal.ServerSettings.CONNECTION_STATE_RECOVERY;
import static dev.notify.jakarta.internal.ServerSettings.MAX_PAYLOAD;
import static dev.notify.jakarta.internal.ServerSettings.PATH;
import static dev.notify.jakarta.internal.ServerSettings.PING_INTERVAL;
import static dev.notify.jakarta.internal.ServerSettings.PING_TIMEOUT;
import static dev.notify.jakarta.internal.ServerSettings.REDIS_KEY;
import static dev.notify.jakarta.internal.ServerSettings.REDIS_URL;
import static dev.notify.jakarta.internal.ServerSettings.TRANSPORTS;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.internal.ServerSettings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code notify.*} settings as text from any configuration, in the formats of the Spring Boot starter's
 * properties, and applies them through {@link ServerSettings}, as the starter does, plus the Redis adapter.
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

  /** {@code 25s}, {@code 500ms}, {@code 2m}: Spring's simple duration format; a bare number is milliseconds. */
  private static final Pattern SIMPLE_DURATION = Pattern.compile("([-+]?\\d+)(ms|s|m|h|d)?");

  private ServerConfig() {
  }

  /** Applies the settings to the builder, and returns them for {@link ServerSettings#build}. */
  static ServerSettings apply(Source source, NotifyServer.Builder b) {
    ServerSettings settings = new ServerSettings(
        source.value(PATH).orElse(null),
        duration(source, PING_INTERVAL),
        duration(source, PING_TIMEOUT),
        source.value(MAX_PAYLOAD).map(v -> integer(MAX_PAYLOAD, v)).orElse(null),
        source.values(TRANSPORTS).orElse(null),
        source.values(ALLOWED_ORIGINS).orElse(null),
        source.value(ALLOW_CREDENTIALS).map(v -> bool(ALLOW_CREDENTIALS, v)).orElse(null),
        duration(source, CONNECTION_STATE_RECOVERY));
    settings.applyTo(b);
    Optional<String> redis = source.value(REDIS_URL);
    if (redis.isPresent()) {
      requireRedisJar();
      b.adapter(RedisSupport.adapter(redis.get(), source.value(REDIS_KEY)));
    }
    return settings;
  }

  private static void requireRedisJar() {
    try {
      Class.forName("dev.notify.redis.RedisAdapter", false, ServerConfig.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(REDIS_URL + " is set but dev.notify:notify-redis is not on the class path: "
          + "add it, or remove the property for a single node", e);
    }
  }

  private static Duration duration(Source source, String property) {
    return source.value(property).map(v -> duration(property, v)).orElse(null);
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
