package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.server.RecoveryStore.Restored;
import dev.notify.core.server.RecoveryStore.Session;
import dev.notify.core.server.RemoteSocket;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisClusterServers;
import dev.notify.redis.testing.RedisExecutable;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * A real Redis Cluster of three masters built for this test ({@link RedisClusterServers}: redis-server
 * --cluster-enabled yes on free ports, joined by cluster commands): node counts summed over the masters,
 * broadcasts, room channels on other shards, and fetchSockets, in both modes (sharded needs Redis 7+); the
 * recovery store with its keys on several shards.
 */
class RedisClusterIT {

  private static RedisClusterServers redisCluster;
  private static List<RedisServer> masters;

  @BeforeAll
  static void createCluster() {
    redisCluster = RedisClusterServers.start(3);
    masters = redisCluster.masters();
  }

  @AfterAll
  static void stopCluster() {
    if (redisCluster != null) {
      redisCluster.close();
    }
  }

  private static RedisAdapterOptions options(RedisMode mode, String test) {
    return RedisAdapterOptions.builder()
        .connection(RedisConnectionOptions.builder().cluster(redisCluster.urls()).build())
        .key(test + Long.toHexString(System.nanoTime())).mode(mode).build();
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void nodesOfARedisClusterCountEachOtherAndShareBroadcastsAndSockets(RedisMode mode) throws Exception {
    RedisExecutable.get().assumeSupports(mode);
    try (Cluster cluster = Cluster.start(options(mode, "rc"), 2)) {
      assertThat(cluster.node(0).adapter().serverCount().get(5, TimeUnit.SECONDS)).isEqualTo(2);
      List<TestClient> members = new ArrayList<>();
      // rooms whose channels hash to different shards
      for (int i = 0; i < 6; i++) {
        members.add(cluster.node(1).client("room-" + i));
      }
      TestClient outsider = cluster.node(1).client("elsewhere");

      for (int i = 0; i < 6; i++) {
        cluster.node(0).io().to("room-" + i).emit("hello", i);
      }
      for (int i = 0; i < 6; i++) {
        assertThat(members.get(i).await("hello", 1).get(0).args().get(0)).isEqualTo(i);
      }
      cluster.node(0).io().emit("marker");
      outsider.await("marker", 1);
      assertThat(outsider.received("hello")).isEmpty();

      List<RemoteSocket> sockets = cluster.node(0).io().fetchSockets().get(10, TimeUnit.SECONDS);
      assertThat(sockets).hasSize(7);
    }
  }

  @Test
  void aRecoveryStoreOnARedisClusterRestoresSessionsAndEventsFromAnyShard() throws Exception {
    RedisRecoveryStoreOptions options = RedisRecoveryStoreOptions.builder()
        .connection(RedisConnectionOptions.builder().cluster(masters.get(0).url()).build())
        .keyPrefix("recovery").build();
    try (RedisRecoveryStore node1 = RedisRecoveryStore.create(options);
        RedisRecoveryStore node2 = RedisRecoveryStore.create(options)) {
      for (int i = 0; i < 12; i++) {
        String nsp = "/tenant-" + i;
        String last = node1.append(nsp, BroadcastOptions.ALL, "e", new Object[] {"seen"}).join();
        node1.saveSession(new Session(nsp, "pid-" + i, "sock-" + i, Set.of("r"), Map.of("i", i), Instant.now()),
            Duration.ofMinutes(1)).join();
        node1.append(nsp, new BroadcastOptions(Set.of("r"), Set.of(), false, false, false, null), "e",
            new Object[] {"missed-" + i}).join();

        Restored restored = node2.restore(nsp, "pid-" + i, last).get(10, TimeUnit.SECONDS);

        assertThat(restored).as(nsp).isNotNull();
        assertThat(restored.session().data()).containsEntry("i", i);
        assertThat(restored.missed()).hasSize(1);
        assertThat(restored.missed().get(0).args()[0].toString()).isEqualTo("\"missed-" + i + "\"");
      }
      assertThat(node1.unkeptEvents()).isZero();
    }
    long mastersWithStreams = masters.stream().filter(m -> {
      try (Connection c = new Connection(new HostAndPort("127.0.0.1", m.port()))) {
        c.sendCommand(Protocol.Command.KEYS, "recovery:stream:*");
        return !c.getObjectMultiBulkReply().isEmpty();
      }
    }).count();
    assertThat(mastersWithStreams).as("the streams are spread over the shards").isGreaterThan(1);
  }
}
