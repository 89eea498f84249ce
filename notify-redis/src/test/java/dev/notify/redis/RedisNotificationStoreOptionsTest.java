package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RedisNotificationStoreOptions: defaults, validation messages naming the option, toBuilder, masked toString. */
class RedisNotificationStoreOptionsTest {

  @Test
  void defaultsAreThoseDocumented() {
    RedisNotificationStoreOptions o = RedisNotificationStoreOptions.builder().build();

    assertThat(o.keyPrefix()).isEqualTo("notify").isEqualTo(RedisNotificationStoreOptions.DEFAULT_KEY_PREFIX);
    assertThat(o.maxPerUser()).isEqualTo(1000);
    assertThat(o.maxAge()).isEqualTo(Duration.ofDays(30));
    assertThat(o.consumerGroup()).isEqualTo("notify");
    assertThat(o.maxQueuedCommands()).isEqualTo(RedisNotificationStoreOptions.DEFAULT_MAX_QUEUED_COMMANDS);
    assertThat(o.connection().nodes().get(0).getHostString()).isEqualTo("127.0.0.1");
  }

  @Test
  void badValuesAreRefusedNamingTheOptionAndTheValue() {
    RedisNotificationStoreOptions.Builder b = RedisNotificationStoreOptions.builder();

    assertThatThrownBy(() -> b.keyPrefix("{app}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyPrefix").hasMessageContaining("{app}");
    assertThatThrownBy(() -> b.keyPrefix(" ")).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> b.maxPerUser(0)).hasMessage("maxPerUser must be in 1..1000000, was 0");
    assertThatThrownBy(() -> b.maxAge(Duration.ofMillis(999))).hasMessage("maxAge must be >= 1 s, was PT0.999S");
    assertThatThrownBy(() -> b.consumerGroup("")).hasMessageContaining("consumerGroup");
    assertThatThrownBy(() -> b.maxQueuedCommands(0)).hasMessageContaining("maxQueuedCommands");
    assertThatThrownBy(() -> b.url("http://x")).hasMessageContaining("redis://");
  }

  @Test
  void toBuilderKeepsEveryValueAndToStringMasksThePassword() {
    RedisNotificationStoreOptions o = RedisNotificationStoreOptions.builder().url("redis://:secret@redis:6380/1")
        .keyPrefix("app").maxPerUser(50).maxAge(Duration.ofDays(7)).consumerGroup("workers").maxQueuedCommands(10)
        .build();
    RedisNotificationStoreOptions copy = o.toBuilder().build();

    assertThat(copy.toString()).isEqualTo(o.toString());
    assertThat(copy.connection()).isSameAs(o.connection());
    assertThat(o.toString()).contains("keyPrefix=app", "maxPerUser=50", "maxAge=PT168H", "consumerGroup=workers",
        "maxQueuedCommands=10", "password=****").doesNotContain("secret");
  }
}
