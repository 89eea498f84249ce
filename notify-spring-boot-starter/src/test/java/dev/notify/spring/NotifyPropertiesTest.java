package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.EngineOptions;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerOptions;
import dev.notify.redis.RedisAdapterOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The {@code notify.*} properties: notify's defaults, mapped onto the server, refused naming the property. */
class NotifyPropertiesTest {

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(NotifyAutoConfiguration.class));

  @Test
  void defaultsAreNotifysOwn() {
    runner.run(context -> {
      NotifyProperties p = context.getBean(NotifyProperties.class);
      assertThat(p.path()).isEqualTo(ServerOptions.DEFAULT_PATH);
      assertThat(p.pingInterval()).isEqualTo(EngineOptions.DEFAULT_PING_INTERVAL);
      assertThat(p.pingTimeout()).isEqualTo(EngineOptions.DEFAULT_PING_TIMEOUT);
      assertThat(p.maxPayload()).isEqualTo(EngineOptions.DEFAULT_MAX_PAYLOAD);
      assertThat(p.transports()).containsExactlyInAnyOrderElementsOf(EngineOptions.DEFAULT_TRANSPORTS);
      assertThat(p.allowedOrigins()).isEmpty();
      assertThat(p.allowCredentials()).isFalse();
      assertThat(p.connectionStateRecovery()).isNull();
      assertThat(p.redis().url()).isNull();
      assertThat(p.redis().key()).isEqualTo(RedisAdapterOptions.DEFAULT_KEY);
      assertThat(context.getBean(NotifyServer.class).options().connectionStateRecovery()).isFalse();
    });
  }

  @Test
  void propertiesReachTheServer() {
    runner.withPropertyValues("notify.path=/live/", "notify.ping-interval=3s", "notify.ping-timeout=2s",
        "notify.max-payload=2048", "notify.transports=websocket", "notify.allowed-origins=https://app.example.com",
        "notify.allow-credentials=true", "notify.connection-state-recovery=1m").run(context -> {
          NotifyServer io = context.getBean(NotifyServer.class);
          EngineOptions engine = io.options().engine();
          assertThat(engine.path()).isEqualTo("/live/");
          assertThat(engine.pingInterval()).isEqualTo(Duration.ofSeconds(3));
          assertThat(engine.pingTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(engine.maxPayload()).isEqualTo(2048);
          assertThat(engine.transports()).containsExactly("websocket");
          assertThat(engine.allowedOrigins()).containsExactly("https://app.example.com");
          assertThat(engine.allowCredentials()).isTrue();
          assertThat(io.options().maxDisconnectionDuration()).isEqualTo(Duration.ofMinutes(1));
        });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "notify.ping-interval=-1s | notify.ping-interval must be > 0, was PT-1S",
      "notify.ping-timeout=0s | notify.ping-timeout must be > 0, was PT0S",
      "notify.max-payload=0 | notify.max-payload must be > 0, was 0",
      "notify.path=socket.io | notify.path must start and end with '/', was socket.io",
      "notify.transports=carrier-pigeon | notify.transports must be a non-empty subset of [polling, websocket]",
      "notify.allowed-origins=app.example.com | notify.allowed-origins entries must look like scheme://host[:port]",
      "notify.connection-state-recovery=-5s | notify.connection-state-recovery must be > 0, was PT-5S",
      "notify.redis.url=http://redis:6379 | notify.redis.url must start with redis:// or rediss://",
      "notify.redis.url=redis://[bad | notify.redis.url is not a valid URL",
  })
  void badValueFailsStartupNamingTheProperty(String property, String message) {
    runner.withPropertyValues(property).run(context -> assertThat(context).getFailure()
        .hasMessageContaining(message));
  }

  @Test
  void credentialsWithAnyOriginFailStartupNamingBothProperties() {
    runner.withPropertyValues("notify.allowed-origins=*", "notify.allow-credentials=true")
        .run(context -> assertThat(context).getFailure()
            .hasMessageContaining("notify.allow-credentials and notify.allowed-origins: allowCredentials(true) "
                + "cannot be combined"));
  }

  @Test
  void redisKeyIsChecked() {
    runner.withPropertyValues("notify.redis.url=redis://127.0.0.1:6379", "notify.redis.key=a#b")
        .run(context -> assertThat(context).getFailure()
            .hasMessageContaining("notify.redis.key must be non-empty and must not contain '#', was 'a#b'"));
  }

  @Test
  void notAServletApplicationGetsNoServer() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NotifyAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(NotifyServer.class));
  }

  @Test
  void anApplicationServerBeanWins() {
    runner.withBean("myServer", NotifyServer.class, () -> NotifyServer.builder().path("/mine/").build())
        .run(context -> assertThat(context).getBean(NotifyServer.class)
            .extracting(io -> io.options().engine().path()).isEqualTo("/mine/"));
  }

  @Test
  void aSendOnlyApplicationWithoutRedisFailsNamingTheProperty() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(NotifyEmitterAutoConfiguration.class))
        .withPropertyValues("notify.server.enabled=false").run(context -> assertThat(context).hasFailed()
            .getFailure().rootCause().hasMessageContaining("notify.redis.url"));
  }
}
