package dev.notify.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The redis-server the tests start without any Redis installed: the binary bundled in embedded-redis runs, reports
 * the version it was found to have, survives the outage tests' kill, freeze (SIGSTOP) and restart, and builds a
 * Redis Cluster without redis-cli. Runs on every machine, so the fallback is checked where a Redis 7 is installed.
 */
class RedisExecutableIT {

  @Test
  void theBundledBinaryReportsItsVersionAndSurvivesKillFreezeAndRestartOnItsPort() throws Exception {
    RedisExecutable bundled = RedisExecutable.bundled();
    assertThat(bundled.source()).isEqualTo(RedisExecutable.Source.BUNDLED);
    assertThat(bundled.version()).as("embedded-redis 1.4.4 bundles Redis 6.2").startsWith("6.2.");

    try (RedisServer redis = RedisServer.start(bundled)) {
      URI url = URI.create(redis.url());
      assertThat(RedisServer.version(url)).as("INFO server").isEqualTo(bundled.version());

      signal("STOP", redis.pid());
      try {
        assertThat(RedisServer.ping(url)).as("frozen: no answer").isFalse();
      } finally {
        signal("CONT", redis.pid());
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> RedisServer.ping(url));

      redis.kill();
      assertThat(redis.running()).isFalse();
      assertThat(RedisServer.ping(url)).as("killed").isFalse();
      redis.restart();
      assertThat(RedisServer.ping(url)).as("restarted on port " + redis.port()).isTrue();
    }
  }

  @Test
  void theBundledBinaryBuildsARedisClusterWithoutRedisCli() {
    try (RedisClusterServers cluster = RedisClusterServers.start(RedisExecutable.bundled(), 3)) {
      for (RedisServer master : cluster.masters()) {
        String info = RedisClusterServers.clusterInfo(master.port());
        assertThat(info).contains("cluster_state:ok", "cluster_slots_assigned:16384", "cluster_size:3");
      }
    }
  }

  @Test
  void theRedisServerOnThePathIsPreferredWhenThereIsOne() {
    assumeTrue(RedisExecutable.onPath("redis-server").isPresent(), "no redis-server on the PATH: install "
        + "redis-server 7+ (e.g. apt-get install redis-server) to run this test");
    RedisExecutable executable = RedisExecutable.get();

    assertThat(executable.source()).isEqualTo(RedisExecutable.Source.PATH);
    assertThat(executable.path()).isEqualTo(RedisExecutable.onPath("redis-server").get());
    try (RedisServer redis = RedisServer.start()) {
      assertThat(RedisServer.version(URI.create(redis.url()))).as("INFO server").isEqualTo(executable.version());
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
