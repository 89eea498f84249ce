package dev.notify.spring;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.notify.core.server.NotifyServer;
import java.util.function.Consumer;

/** Maps {@link NotifyProperties} onto a server builder; a refused value fails naming its {@code notify.*} property. */
final class ServerFromProperties {

  private ServerFromProperties() {
  }

  static NotifyServer.Builder builder(NotifyProperties p) {
    // java.time values as ISO-8601 strings, as a Spring application's own JSON writes them
    NotifyServer.Builder b = NotifyServer.builder().objectMapper(JsonMapper.builder().addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build());
    set("path", "path", p.path(), b::path);
    set("ping-interval", "pingInterval", p.pingInterval(), b::pingInterval);
    set("ping-timeout", "pingTimeout", p.pingTimeout(), b::pingTimeout);
    set("max-payload", "maxPayload", p.maxPayload(), b::maxPayload);
    set("transports", "transports", p.transports().toArray(String[]::new), b::transports);
    if (!p.allowedOrigins().isEmpty()) {
      set("allowed-origins", "allowedOrigins", p.allowedOrigins().toArray(String[]::new), b::allowedOrigins);
    }
    b.allowCredentials(p.allowCredentials());
    if (p.connectionStateRecovery() != null) {
      set("connection-state-recovery", "maxDisconnectionDuration", p.connectionStateRecovery(),
          b::connectionStateRecovery);
    }
    return b;
  }

  /** Builds; the one rule the builder checks across options is credentials with any origin. */
  static NotifyServer build(NotifyServer.Builder builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
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
          ? "notify." + property + detail.substring(option.length())
          : "notify." + property + " is invalid: " + detail;
      throw new IllegalArgumentException(message, e);
    }
  }
}
