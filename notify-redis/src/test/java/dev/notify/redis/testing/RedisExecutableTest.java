package dev.notify.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.notify.redis.RedisMode;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Which Redis versions skip which mode, and what the skip message tells the reader to do. */
class RedisExecutableTest {

  @Test
  void theShardedModeIsSkippedBelowRedis7WithAMessageSayingWhatIsMissingAndHowToGetIt() {
    Throwable skipped = catchThrowable(() ->
        RedisExecutable.assumeSupports(RedisMode.SHARDED, "6.2.11", "redis-server 6.2.11 bundled in embedded-redis"));

    assertThat(skipped).isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("sharded mode needs Redis 7+")
        .hasMessageContaining("SPUBLISH/SSUBSCRIBE")
        .hasMessageContaining("redis-server 6.2.11 bundled in embedded-redis")
        .hasMessageContaining("install redis-server 7+");
  }

  @Test
  void theClassicModeRunsOnAnyVersionAndTheShardedModeFromRedis7() {
    assertThatCode(() -> RedisExecutable.assumeSupports(RedisMode.CLASSIC, "6.2.11", "x")).doesNotThrowAnyException();
    assertThatCode(() -> RedisExecutable.assumeSupports(RedisMode.SHARDED, "7.0.15", "x")).doesNotThrowAnyException();
    assertThatCode(() -> RedisExecutable.assumeSupports(RedisMode.SHARDED, "8.2.1", "x")).doesNotThrowAnyException();
  }

  @Test
  void majorVersionsAreReadFromVersionStrings() {
    assertThat(RedisExecutable.majorOf("7.0.15")).isEqualTo(7);
    assertThat(RedisExecutable.majorOf("6.2.11")).isEqualTo(6);
    assertThat(RedisExecutable.majorOf("garbage")).isZero();
  }
}
