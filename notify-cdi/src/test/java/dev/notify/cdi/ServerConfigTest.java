package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.server.NotifyServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {

  /** Settings as MicroProfile Config gives them: text, lists split on commas. */
  private static ServerConfig.Source settings(Map<String, String> values) {
    return new ServerConfig.Source() {
      @Override
      public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
      }

      @Override
      public Optional<List<String>> values(String name) {
        return value(name).map(v -> Arrays.asList(v.split(",")));
      }
    };
  }

  @ParameterizedTest
  @CsvSource({"25s, PT25S", "500ms, PT0.5S", "1500, PT1.5S", "2m, PT2M", "1h, PT1H", "1d, PT24H", "PT25S, PT25S",
      "pt1m30s, PT1M30S", "' 10S ', PT10S"})
  void durationsAreReadInSpringsFormats(String text, Duration expected) {
    assertThat(ServerConfig.duration("notify.ping-interval", text)).isEqualTo(expected);
  }

  @Test
  void anUnreadableDurationNamesThePropertyAndTheFormats() {
    assertThatThrownBy(() -> ServerConfig.duration("notify.ping-timeout", "5 seconds"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("notify.ping-timeout must be a duration such as 25s, 500ms or PT25S, was '5 seconds'");
  }

  @Test
  void settingsOverrideTheBuilderAndAbsentOnesLeaveIt() {
    NotifyServer.Builder builder = NotifyServer.builder().path("/mine/").pingInterval(Duration.ofSeconds(7));
    ServerConfig.Source source = settings(Map.of("notify.ping-timeout", "3s", "notify.transports", "websocket",
        "notify.allowed-origins", "https://a.example,https://b.example", "notify.max-payload", "2048",
        "notify.connection-state-recovery", "2m"));
    ServerConfig.apply(source, builder);
    NotifyServer io = ServerConfig.build(source, builder);
    try {
      String options = io.options().toString();
      assertThat(io.options().engine().path()).isEqualTo("/mine/");
      assertThat(options).contains("pingInterval=PT7S", "pingTimeout=PT3S", "maxPayload=2048",
          "transports=[websocket]", "https://a.example", "https://b.example", "PT2M");
    } finally {
      io.close();
    }
  }

  @Test
  void credentialsWithAnyOriginNameBothProperties() {
    ServerConfig.Source source = settings(Map.of("notify.allow-credentials", "true",
        "notify.allowed-origins", "*"));
    NotifyServer.Builder builder = NotifyServer.builder();
    ServerConfig.apply(source, builder);
    assertThatThrownBy(() -> ServerConfig.build(source, builder).close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("notify.allow-credentials and notify.allowed-origins: ");
  }
}
