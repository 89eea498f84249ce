package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.RemoteSocket;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * A real Redis Cluster of three masters built for this test (redis-server --cluster-enabled yes on free ports, then
 * redis-cli --cluster create): node counts summed over the masters, broadcasts, room channels on other shards,
 * and fetchSockets, in both modes.
 */
class RedisClusterIT {

  private static final List<RedisServer> masters = new ArrayList<>();

  @BeforeAll
  static void createCluster() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int i = 0; i < 3; i++) {
      RedisServer server = RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-node-timeout", "5000");
      masters.add(server);
      cmd.add("127.0.0.1:" + server.port());
    }
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process create = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(create.getInputStream().readAllBytes());
    assertThat(create.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(create.exitValue()).as(output).isZero();
    for (RedisServer master : masters) {
      await().atMost(Duration.ofSeconds(30)).until(() -> clusterInfo(master.port()).contains("cluster_state:ok"));
    }
  }

  @AfterAll
  static void stopCluster() {
    masters.forEach(RedisServer::kill);
  }

  private static String clusterInfo(int port) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", port))) {
      c.sendCommand(Protocol.Command.CLUSTER, "INFO");
      return c.getBulkReply();
    }
  }

  private static RedisAdapterOptions options(RedisMode mode, String test) {
    return RedisAdapterOptions.builder()
        .connection(RedisConnectionOptions.builder().cluster(masters.stream().map(RedisServer::url)
            .toArray(String[]::new)).build())
        .key(test + Long.toHexString(System.nanoTime())).mode(mode).build();
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void nodesOfARedisClusterCountEachOtherAndShareBroadcastsAndSockets(RedisMode mode) throws Exception {
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
}
