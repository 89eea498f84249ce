package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExecutable;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nodes that find their Redis through Sentinel: a master and one sentinel (redis-server --sentinel, the
 * {@link RedisExecutable}) started for this test on free ports, in both modes (sharded needs Redis 7+). Failover is
 * not exercised here.
 */
class RedisSentinelIT {

  private static RedisServer master;
  private static Process sentinel;
  private static int sentinelPort;

  @BeforeAll
  static void startSentinel() throws Exception {
    master = RedisServer.start();
    sentinelPort = RedisServer.freePort();
    Path dir = Files.createTempDirectory("notify-sentinel-");
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\n"
        + "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 1\n");
    sentinel = new ProcessBuilder(RedisExecutable.get().path().toString(), conf.toString(), "--sentinel")
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "sentinel.log")).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!RedisServer.ping(java.net.URI.create("redis://127.0.0.1:" + sentinelPort))) {
      assertThat(System.nanoTime()).as("sentinel answers in time").isLessThan(deadline);
      sentinel.waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.destroyForcibly();
    }
    if (master != null) {
      master.kill();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void nodesFoundThroughSentinelShareBroadcasts(RedisMode mode) {
    RedisExecutable.get().assumeSupports(mode);
    RedisAdapterOptions options = RedisAdapterOptions.builder()
        .connection(RedisConnectionOptions.builder().sentinel("mymaster", "redis://127.0.0.1:" + sentinelPort)
            .build())
        .key("sentinel-" + Long.toHexString(System.nanoTime())).mode(mode).build();
    try (Cluster cluster = Cluster.start(options, 2)) {
      TestClient client = cluster.node(1).client("room1");

      cluster.node(0).io().to("room1").emit("via-sentinel");

      client.await("via-sentinel", 1);
    }
  }
}
