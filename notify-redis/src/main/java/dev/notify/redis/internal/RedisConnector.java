package dev.notify.redis.internal;

import dev.notify.redis.RedisConnectionOptions;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The Redis deployment as the adapter, the emitter and the recovery store use it, through Jedis: pooled command
 * connections (publishes on a Redis Cluster, one round trip per batch per server; node counts; the recovery
 * store's commands), the publisher's own connection ({@link PublishPipe}), and dedicated subscriber connections
 * routed to the right server (the current master under Sentinel, the slot owner of a sharded channel on a Redis
 * Cluster).
 *
 * <p>Connecting is lazy and retried by the callers, so a Redis that is down at start delays the first subscription
 * rather than failing the build. Thread-safe; the methods block on I/O and run on the publisher and subscriber
 * threads only, and on the callers of the recovery store (bounded by its command timeout).
 */
public final class RedisConnector implements AutoCloseable {

  private final RedisConnectionOptions options;
  private final JedisClientConfig config;
  private final JedisClientConfig subscriberConfig;
  /** Held while a provider is made (a Cluster or Sentinel one connects to learn the topology); not by close(). */
  private final Object creating = new Object();
  private final AtomicReference<ConnectionProvider> provider = new AtomicReference<>();
  private volatile boolean closed;

  // Jedis 7 deprecates ssl(...), sslSocketFactory(...) and sslParameters(...) for SslOptions, which takes key and
  // trust stores but no SSLSocketFactory: RedisConnectionOptions.sslSocketFactory would have no equivalent
  @SuppressWarnings("deprecation")
  public RedisConnector(RedisConnectionOptions options) {
    this.options = options;
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) options.connectTimeout().toMillis())
        .socketTimeoutMillis((int) options.socketTimeout().toMillis())
        .user(options.user())
        .password(options.password())
        .database(options.database())
        .ssl(options.ssl())
        .sslSocketFactory(options.sslSocketFactory())
        .sslParameters(options.ssl() ? verifyingHostname() : null)
        .protocol(RedisProtocol.RESP2)
        .clientName("notify");
    this.config = b.build();
    // the subscription reads with an infinite timeout; health-check PINGs find a dead connection
    this.subscriberConfig = b.clientName("notify-sub").build();
  }

  /** TLS that checks the certificate names the host we dialled (Jedis checks nothing by default). */
  private static SSLParameters verifyingHostname() {
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  public RedisConnectionOptions options() {
    return options;
  }

  /** How command connections connect (timeouts, credentials, database, TLS). */
  JedisClientConfig commandConfig() {
    return config;
  }

  /** {@code host:port} of the configured server, seeds or sentinels, for log lines. */
  public String describe() {
    List<String> names = new ArrayList<>();
    for (InetSocketAddress node : options.nodes()) {
      names.add(node.getHostString() + ":" + node.getPort());
    }
    String nodes = names.size() == 1 ? names.get(0) : names.toString();
    return switch (options.topology()) {
      case STANDALONE -> nodes;
      case CLUSTER -> "cluster" + nodes;
      case SENTINEL -> "sentinel:" + options.masterName() + nodes;
    };
  }

  private ConnectionProvider provider() {
    ConnectionProvider p = provider.get();
    if (p == null) {
      synchronized (creating) {
        p = provider.get();
        if (p == null && !closed) {
          p = create();
          provider.set(p);
        }
      }
    }
    if (closed) {
      closeQuietly(provider.getAndSet(null)); // close() ran while this one was being made
      throw new JedisException("connector closed");
    }
    return p;
  }

  private ConnectionProvider create() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(options.poolSize());
    pool.setMaxIdle(options.poolSize());
    pool.setMaxWait(options.connectTimeout());
    return switch (options.topology()) {
      case STANDALONE -> new PooledConnectionProvider(hostAndPort(options.nodes().get(0)), config, pool);
      case CLUSTER -> new ClusterConnectionProvider(hostsAndPorts(), config, pool);
      case SENTINEL -> new SentineledConnectionProvider(options.masterName(), config, pool, hostsAndPorts(),
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis((int) options.connectTimeout().toMillis())
              .socketTimeoutMillis((int) options.socketTimeout().toMillis())
              .user(options.sentinelUser())
              .password(options.sentinelPassword())
              .build());
    };
  }

  /**
   * Publishes a batch: one pipelined round trip per server, in order per server.
   *
   * @return how many messages Redis refused with an error (such as {@code SPUBLISH} on Redis 6)
   * @throws JedisException when a server cannot be reached; part of the batch may have been published
   */
  public int publish(List<Outgoing> batch) {
    ConnectionProvider p = provider();
    if (p instanceof ClusterConnectionProvider cluster) {
      Map<HostAndPort, List<Outgoing>> byNode = new LinkedHashMap<>();
      for (Outgoing o : batch) {
        byNode.computeIfAbsent(nodeOf(cluster, o.channel()), n -> new ArrayList<>()).add(o);
      }
      int refused = 0;
      for (Map.Entry<HostAndPort, List<Outgoing>> e : byNode.entrySet()) {
        List<Outgoing> retry = new ArrayList<>();
        try (Connection c = cluster.getConnection(e.getKey())) {
          refused += send(c, e.getValue(), retry);
        }
        if (!retry.isEmpty()) {
          // a slot moved: learn the new map and send those once more
          cluster.renewSlotCache();
          refused -= retry.size();
          for (Outgoing o : retry) {
            try (Connection c = cluster.getConnection(nodeOf(cluster, o.channel()))) {
              refused += send(c, List.of(o), null);
            }
          }
        }
      }
      return refused;
    }
    try (Connection c = p.getConnection()) {
      return send(c, batch, null);
    }
  }

  private static int send(Connection c, List<Outgoing> batch, List<Outgoing> moved) {
    write(c, batch);
    List<Object> replies = c.getMany(batch.size());
    int refused = 0;
    for (int i = 0; i < replies.size(); i++) {
      if (replies.get(i) instanceof JedisDataException e) {
        refused++;
        if (moved != null && e.getMessage() != null && e.getMessage().startsWith("MOVED")) {
          moved.add(batch.get(i));
        }
      }
    }
    return refused;
  }

  /** Buffers the batch's {@code PUBLISH} (or {@code SPUBLISH}) commands on {@code c}; reading a reply flushes them. */
  static void write(Connection c, List<Outgoing> batch) {
    for (Outgoing o : batch) {
      c.sendCommand(o.shard() ? Protocol.Command.SPUBLISH : Protocol.Command.PUBLISH, o.channel(), o.payload());
    }
  }

  /** {@code PUBSUB NUMSUB} (or {@code SHARDNUMSUB}) of a channel, summed over the masters of a Redis Cluster. */
  public long numsub(String channel, boolean shard) {
    ConnectionProvider p = provider();
    String sub = shard ? "SHARDNUMSUB" : "NUMSUB";
    if (p instanceof ClusterConnectionProvider cluster) {
      long sum = 0;
      for (ConnectionPool pool : cluster.getPrimaryNodes().values()) {
        try (Connection c = pool.getResource()) {
          sum += numsub(c, sub, channel);
        }
      }
      return sum;
    }
    try (Connection c = p.getConnection()) {
      return numsub(c, sub, channel);
    }
  }

  private static long numsub(Connection c, String sub, String channel) {
    c.sendCommand(Protocol.Command.PUBSUB, sub, channel);
    List<Object> reply = c.getObjectMultiBulkReply();
    return reply.size() < 2 ? 0 : (Long) reply.get(1);
  }

  /**
   * Runs {@code work} on a pooled command connection to the server that holds {@code key}: the one server, the
   * current master, or on a Redis Cluster the owner of the key's slot (asked once more after a {@code MOVED}).
   *
   * @throws JedisException when Redis cannot be reached or refuses a command
   */
  public <T> T execute(String key, Function<Connection, T> work) {
    ConnectionProvider p = provider();
    if (p instanceof ClusterConnectionProvider cluster) {
      byte[] raw = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try (Connection c = cluster.getConnection(nodeOf(cluster, raw))) {
        return work.apply(c);
      } catch (JedisMovedDataException e) {
        cluster.renewSlotCache();
      }
      try (Connection c = cluster.getConnection(nodeOf(cluster, raw))) {
        return work.apply(c);
      }
    }
    try (Connection c = p.getConnection()) {
      return work.apply(c);
    }
  }

  /** Checks a fresh command connection answers PING; drops the idle pooled ones first (they may be stale). */
  public void probe() {
    ConnectionProvider p = provider();
    if (p instanceof PooledConnectionProvider pooled) {
      pooled.getPool().clear();
    } else if (p instanceof ClusterConnectionProvider cluster) {
      cluster.renewSlotCache();
      for (ConnectionPool pool : cluster.getNodes().values()) {
        pool.clear();
      }
    }
    try (Connection c = p.getConnection()) {
      c.ping();
    }
  }

  /**
   * The server a subscription to {@code channel} must use: the one server, the current master, or on a Redis
   * Cluster the owner of the channel's slot (any node would do for classic pub/sub; that one keeps it simple).
   */
  public HostAndPort endpointFor(String channel) {
    ConnectionProvider p = provider();
    if (p instanceof ClusterConnectionProvider cluster) {
      return nodeOf(cluster, channel.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (p instanceof SentineledConnectionProvider sentinel) {
      return sentinel.getCurrentMaster();
    }
    return hostAndPort(options.nodes().get(0));
  }

  /**
   * The server that holds {@code key} on a Redis Cluster (the owner of its slot), or {@code null} elsewhere (the one
   * server, or the current master under Sentinel): what {@link #connection} takes. For the notification store.
   */
  public HostAndPort nodeFor(byte[] key) {
    return provider() instanceof ClusterConnectionProvider cluster ? nodeOf(cluster, key) : null;
  }

  /**
   * A pooled command connection to {@code node} (from {@link #nodeFor}; {@code null}: the one server or master).
   * The caller closes it to give it back.
   */
  public Connection connection(HostAndPort node) {
    ConnectionProvider p = provider();
    if (node != null && p instanceof ClusterConnectionProvider cluster) {
      return cluster.getConnection(node);
    }
    return p.getConnection();
  }

  /** Learns the slot map again (a Redis Cluster moved a slot); does nothing elsewhere. */
  public void refreshTopology() {
    if (provider() instanceof ClusterConnectionProvider cluster) {
      cluster.renewSlotCache();
    }
  }

  /** A new connection for a subscription, connected; the caller owns it. */
  public Connection openSubscriber(HostAndPort endpoint) {
    Connection c = new Connection(endpoint, subscriberConfig);
    try {
      c.connect();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static HostAndPort nodeOf(ClusterConnectionProvider cluster, byte[] channel) {
    int slot = JedisClusterCRC16.getSlot(channel);
    HostAndPort node = cluster.getNode(slot);
    if (node == null) {
      cluster.renewSlotCache();
      node = cluster.getNode(slot);
    }
    if (node == null) {
      throw new JedisException("no Redis Cluster node serves slot " + slot);
    }
    return node;
  }

  private Set<HostAndPort> hostsAndPorts() {
    Set<HostAndPort> set = new LinkedHashSet<>();
    for (InetSocketAddress node : options.nodes()) {
      set.add(hostAndPort(node));
    }
    return set;
  }

  private static HostAndPort hostAndPort(InetSocketAddress address) {
    return new HostAndPort(address.getHostString(), address.getPort());
  }

  /** Closes the pools; does not wait for a provider being made (its maker closes it). */
  @Override
  public void close() {
    closed = true;
    closeQuietly(provider.getAndSet(null));
  }

  private static void closeQuietly(ConnectionProvider p) {
    if (p != null) {
      try {
        p.close();
      } catch (Exception e) {
        // closing: nothing to do about it
      }
    }
  }

  /**
   * A message to publish on a channel; {@code shard} uses {@code SPUBLISH}; {@code queuedAt} is the
   * {@code System.nanoTime()} it was queued at.
   */
  public record Outgoing(byte[] channel, byte[] payload, boolean shard, long queuedAt) {
  }
}
