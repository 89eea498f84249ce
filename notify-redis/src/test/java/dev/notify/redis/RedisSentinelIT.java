package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.redis.internal.Health;
import dev.notify.redis.internal.RedisConnector;
import dev.notify.redis.internal.Subscriber;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExecutable;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Nodes that find their Redis through Sentinel: a master and one sentinel (redis-server --sentinel, the
 * {@link RedisExecutable}) started for this test on free ports, in both modes (sharded needs Redis 7+); and a
 * failover, with a replica and a sentinel of its own.
 */
class RedisSentinelIT {

  private static RedisServer master;
  private static Process sentinel;
  private static int sentinelPort;

  @BeforeAll
  static void startSentinel() throws Exception {
    master = RedisServer.start();
    sentinelPort = RedisServer.freePort();
    sentinel = startSentinel(sentinelPort, master.port());
  }

  /** A sentinel on {@code port} watching {@code mymaster} at {@code masterPort}, answering. */
  private static Process startSentinel(int port, int masterPort) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("notify-sentinel-");
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n"
        + "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 1\n");
    Process process = new ProcessBuilder(RedisExecutable.get().path().toString(), conf.toString(), "--sentinel")
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "sentinel.log")).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!RedisServer.ping(java.net.URI.create("redis://127.0.0.1:" + port))) {
      assertThat(System.nanoTime()).as("sentinel answers in time").isLessThan(deadline);
      process.waitFor(20, TimeUnit.MILLISECONDS);
    }
    return process;
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

  /**
   * After a failover the node publishes to the new master: a subscriber there hears it. Publishing to the old one
   * would not reach it, since the demoted master does not pass what it is sent on to its new master.
   */
  @Test
  void publishesFollowTheMasterThroughAFailover() throws Exception {
    try (RedisServer first = RedisServer.start();
        RedisServer second = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(first.port()))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> info(first.port()).contains("state=online"));
      int port = RedisServer.freePort();
      Process watching = startSentinel(port, first.port());
      RedisAdapterOptions options = RedisAdapterOptions.builder()
          .connection(RedisConnectionOptions.builder().sentinel("mymaster", "redis://127.0.0.1:" + port).build())
          .key("failover-" + Long.toHexString(System.nanoTime())).build();
      try (Cluster cluster = Cluster.start(options, 1)) {
        TestClient client = cluster.node(0).client("room1");
        cluster.node(0).io().to("room1").emit("before");
        client.await("before", 1);

        // the sentinel knows the replica once it has asked the master: until then it answers NOGOODSLAVE
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> "OK".equals(sentinel(port, "FAILOVER", "mymaster")));
        await().atMost(Duration.ofSeconds(30))
            .until(() -> String.valueOf(second.port()).equals(masterPort(port)));

        AtomicInteger heard = new AtomicInteger();
        try (RedisConnector direct = new RedisConnector(RedisConnectionOptions.fromUrl(second.url()));
            Subscriber subscriber = new Subscriber(direct, new Health(() -> "test"), Duration.ofMillis(50),
                Duration.ofSeconds(1), Duration.ofMillis(500))) {
          subscriber.subscribe(Subscriber.Kind.PATTERN, options.key() + "*", (ch, payload) -> heard.incrementAndGet())
              .get(10, TimeUnit.SECONDS);
          await().atMost(Duration.ofSeconds(30)).until(() -> {
            cluster.node(0).io().to("room1").emit("after");
            return heard.get() > 0;
          });
        }
      } finally {
        watching.destroyForcibly();
      }
    }
  }

  private static String info(int port) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", port))) {
      c.sendCommand(Protocol.Command.INFO, "replication");
      return c.getBulkReply();
    }
  }

  private static String sentinel(int port, String... args) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", port))) {
      c.sendCommand(Protocol.Command.SENTINEL, args);
      return c.getStatusCodeReply();
    }
  }

  private static String masterPort(int sentinelPort) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", sentinelPort))) {
      c.sendCommand(Protocol.Command.SENTINEL, "get-master-addr-by-name", "mymaster");
      List<String> reply = c.getMultiBulkReply();
      return reply.size() < 2 ? null : reply.get(1);
    }
  }
}
