package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link NotifyServer.Builder} refuses bad values with a message naming the option, the value and the rule. */
class NotifyServerBuilderTest {

  private NotifyServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> badOptions() {
    return Stream.<Arguments>of(
        bad("pingTimeout 0", b -> b.pingTimeout(Duration.ZERO), "pingTimeout must be > 0, was PT0S"),
        bad("pingTimeout negative", b -> b.pingTimeout(Duration.ofSeconds(-1)), "pingTimeout must be > 0, was PT-1S"),
        bad("pingInterval 0", b -> b.pingInterval(Duration.ZERO), "pingInterval must be > 0, was PT0S"),
        bad("upgradeTimeout 0", b -> b.upgradeTimeout(Duration.ZERO), "upgradeTimeout must be > 0, was PT0S"),
        bad("connectTimeout 0", b -> b.connectTimeout(Duration.ZERO), "connectTimeout must be > 0, was PT0S"),
        bad("maxPayload 0", b -> b.maxPayload(0), "maxPayload must be > 0, was 0"),
        bad("maxBufferedPackets -1", b -> b.maxBufferedPackets(-1), "maxBufferedPackets must be > 0, was -1"),
        bad("path without slashes", b -> b.path("socket.io"), "path must start and end with '/', was socket.io"),
        bad("path without trailing slash", b -> b.path("/socket.io"),
            "path must start and end with '/', was /socket.io"),
        bad("path without leading slash", b -> b.path("socket.io/"),
            "path must start and end with '/', was socket.io/"),
        bad("unknown transport", b -> b.transports("polling", "flashsocket"),
            "transports must be a non-empty subset of [polling, websocket], was"),
        bad("no transport", b -> b.transports(), "transports must be a non-empty subset of [polling, websocket], was []"),
        bad("origin without scheme", b -> b.allowedOrigins("app.example.com"),
            "allowedOrigins entries must look like scheme://host[:port] or be \"*\", was app.example.com"),
        bad("origin with a path", b -> b.allowedOrigins("https://app.example.com/"),
            "allowedOrigins entries must look like scheme://host[:port] or be \"*\", was https://app.example.com/"));
  }

  private static Arguments bad(String name, Consumer<NotifyServer.Builder> setter, String message) {
    return Arguments.of(name, setter, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badOptions")
  void refusesABadValueNamingTheOptionAndTheValue(String name, Consumer<NotifyServer.Builder> setter,
      String message) {
    NotifyServer.Builder builder = NotifyServer.builder();

    assertThatThrownBy(() -> setter.accept(builder))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aRefusedValueLeavesTheBuilderAsItWas() {
    NotifyServer.Builder builder = NotifyServer.builder().pingTimeout(Duration.ofSeconds(7));

    assertThatThrownBy(() -> builder.pingTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    server = builder.executor(Runnable::run).scheduler(new ManualScheduler()).build();

    assertThat(server.options().engine().pingTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void defaultsAreSocketIosDefaults() {
    server = NotifyServer.builder().build();

    EngineOptions engine = server.options().engine();
    assertThat(engine.path()).isEqualTo("/socket.io/");
    assertThat(engine.pingInterval()).isEqualTo(Duration.ofSeconds(25));
    assertThat(engine.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(engine.maxPayload()).isEqualTo(1_000_000);
    assertThat(server.options().connectTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(engine.allowedOrigins()).as("same origin only").isEmpty();
  }

  @Test
  void newBuilderStartsFromTheServersOptions() {
    server = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler())
        .pingInterval(Duration.ofSeconds(3)).path("/rt/").build();

    NotifyServer copy = server.newBuilder().maxPayload(42).build();
    try {
      assertThat(copy.options().engine().pingInterval()).isEqualTo(Duration.ofSeconds(3));
      assertThat(copy.options().engine().path()).isEqualTo("/rt/");
      assertThat(copy.options().engine().maxPayload()).isEqualTo(42);
      assertThat(server.options().engine().maxPayload()).isEqualTo(1_000_000);
    } finally {
      copy.close();
    }
  }

  @Test
  void aNamespaceNameMustStartWithASlash() {
    server = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler()).build();

    assertThatThrownBy(() -> server.of("admin"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must start with '/', was admin");
    assertThatThrownBy(() -> server.of(""))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace must start with '/', was ");
    assertThat(server.of("/admin").name()).isEqualTo("/admin");
    assertThat(server.of("/admin")).isSameAs(server.of("/admin"));
  }
}
