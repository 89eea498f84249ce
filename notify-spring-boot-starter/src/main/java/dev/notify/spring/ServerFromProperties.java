package dev.notify.spring;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.internal.ServerSettings;

/** Maps {@link NotifyProperties} onto a server builder; a refused value fails naming its {@code notify.*} property. */
final class ServerFromProperties {

  private ServerFromProperties() {
  }

  static ServerSettings settings(NotifyProperties p) {
    // no allowed origins: the builder's default (the page's own origin only); null recovery: unset, off
    return new ServerSettings(p.path(), p.pingInterval(), p.pingTimeout(), p.maxPayload(), p.transports(),
        p.allowedOrigins().isEmpty() ? null : p.allowedOrigins(), p.allowCredentials(), p.connectionStateRecovery());
  }

  static NotifyServer.Builder builder(ServerSettings settings) {
    // java.time values as ISO-8601 strings, as a Spring application's own JSON writes them
    NotifyServer.Builder b = NotifyServer.builder().objectMapper(JsonMapper.builder().addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build());
    settings.applyTo(b);
    return b;
  }
}
