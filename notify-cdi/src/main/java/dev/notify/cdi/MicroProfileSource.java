package dev.notify.cdi;

import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The {@code notify.*} settings from MicroProfile Config (system properties, environment variables such as
 * {@code NOTIFY_PING_INTERVAL}, {@code META-INF/microprofile-config.properties}...): the only class that links
 * against its API, an optional jar, so it is loaded only once {@link NotifyBeans} has found that jar.
 */
final class MicroProfileSource implements ServerConfig.Source {

  private final Config config;

  private MicroProfileSource(Config config) {
    this.config = config;
  }

  /** The application's configuration, or none when MicroProfile Config has no implementation here. */
  static Optional<ServerConfig.Source> current() {
    try {
      return Optional.of(new MicroProfileSource(ConfigProvider.getConfig()));
    } catch (IllegalStateException noImplementation) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> value(String name) {
    return config.getOptionalValue(name, String.class);
  }

  @Override
  public Optional<List<String>> values(String name) {
    return config.getOptionalValues(name, String.class);
  }
}
