package dev.notify.redis.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * A real Redis Cluster of masters without replicas, each a {@link RedisServer} ({@code --cluster-enabled yes}) on
 * a free port. It is put together with cluster commands, as {@code redis-cli --cluster create} does (no
 * {@code redis-cli} needed, so the bundled Redis 6.2 builds one too): the 16384 slots split into even ranges, one
 * {@code CLUSTER ADDSLOTS} per master, {@code CLUSTER MEET} from the first to the others, then wait until every
 * master reports {@code cluster_state:ok} with all masters known.
 */
public final class RedisClusterServers implements AutoCloseable {

  private static final int SLOTS = 16_384;

  private final List<RedisServer> masters;

  private RedisClusterServers(List<RedisServer> masters) {
    this.masters = masters;
  }

  /** Starts {@code n} masters from {@link RedisExecutable#get()} and joins them into one cluster. */
  public static RedisClusterServers start(int n) {
    return start(RedisExecutable.get(), n);
  }

  /** Starts {@code n} masters from {@code executable} and joins them into one cluster; on failure stops them. */
  public static RedisClusterServers start(RedisExecutable executable, int n) {
    List<RedisServer> masters = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        masters.add(startMaster(executable));
      }
      for (int i = 0; i < n; i++) {
        int from = SLOTS * i / n;
        int to = SLOTS * (i + 1) / n;
        String[] args = new String[1 + to - from];
        args[0] = "ADDSLOTS";
        for (int slot = from; slot < to; slot++) {
          args[1 + slot - from] = Integer.toString(slot);
        }
        command(masters.get(i).port(), args);
      }
      for (int i = 1; i < n; i++) {
        command(masters.get(0).port(), "MEET", "127.0.0.1", Integer.toString(masters.get(i).port()));
      }
      for (RedisServer master : masters) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          String info = clusterInfo(master.port());
          return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + n + "\r\n");
        });
      }
      return new RedisClusterServers(masters);
    } catch (RuntimeException | AssertionError e) {
      masters.forEach(RedisServer::kill);
      throw new IllegalStateException("cannot build a Redis Cluster of " + n + " masters with " + executable + ": "
          + e, e);
    }
  }

  public List<RedisServer> masters() {
    return masters;
  }

  /** The URLs of all masters. */
  public String[] urls() {
    return masters.stream().map(RedisServer::url).toArray(String[]::new);
  }

  /** {@code CLUSTER INFO} of the master on {@code port}. */
  public static String clusterInfo(int port) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", port))) {
      c.sendCommand(Protocol.Command.CLUSTER, "INFO");
      return c.getBulkReply();
    }
  }

  /** A master whose cluster bus port (its port + 10000) is taken fails to start: another port is tried. */
  private static RedisServer startMaster(RedisExecutable executable) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return RedisServer.start(executable, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "5000");
      } catch (IllegalStateException e) {
        last = e;
      }
    }
    throw last;
  }

  private static void command(int port, String... clusterArgs) {
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", port))) {
      c.sendCommand(Protocol.Command.CLUSTER, clusterArgs);
      String reply = c.getStatusCodeReply();
      if (!"OK".equals(reply)) {
        throw new IllegalStateException("CLUSTER " + clusterArgs[0] + " on port " + port + " answered " + reply);
      }
    }
  }

  @Override
  public void close() {
    masters.forEach(RedisServer::kill);
  }
}
