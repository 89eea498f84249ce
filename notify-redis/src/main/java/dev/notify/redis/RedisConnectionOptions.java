package dev.notify.redis;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where Redis is and how to log in: one server ({@code redis://} or {@code rediss://} URL), a Redis Cluster (some of
 * its nodes) or a Sentinel-managed master (master name and sentinels). Immutable; build with {@link #builder()},
 * derive with {@link #toBuilder()}.
 *
 * <pre>{@code
 * RedisConnectionOptions.fromUrl("rediss://app:secret@redis.example.com:6380/2");
 * RedisConnectionOptions.builder().cluster("redis://10.0.0.1:7000", "redis://10.0.0.2:7000").build();
 * RedisConnectionOptions.builder().sentinel("mymaster", "redis://10.0.0.1:26379").password("secret").build();
 * }</pre>
 *
 * <p>URL form: {@code redis[s]://[[user]:password@]host[:port][/database]}; {@code rediss} turns TLS on (the JVM's
 * default trust store, or {@link Builder#sslSocketFactory}, verifies the server's certificate, and its name or
 * address must match the host); user and password may be percent-encoded. The password is masked in
 * {@link #toString()}.
 */
public final class RedisConnectionOptions {

  /** How the Redis deployment is organised. */
  public enum Topology {
    /** One Redis server (with or without replicas we ignore). */
    STANDALONE,
    /** A Redis Cluster: the nodes given are seeds; the slot map is discovered and refreshed. */
    CLUSTER,
    /** A master that Redis Sentinel watches; failovers are followed. */
    SENTINEL
  }

  /** Default port of a Redis server: {@value}. */
  public static final int DEFAULT_PORT = 6379;
  /** Default TCP connect timeout: 2 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Default read timeout of a command (never of the subscription, which has health checks): 2 s. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);
  /** Default largest number of pooled command connections per Redis server: {@value}. */
  public static final int DEFAULT_POOL_SIZE = 4;

  private final Topology topology;
  private final List<InetSocketAddress> nodes;
  private final String masterName;
  private final String user;
  private final String password;
  private final int database;
  private final boolean ssl;
  private final SSLSocketFactory sslSocketFactory;
  private final String sentinelUser;
  private final String sentinelPassword;
  private final Duration connectTimeout;
  private final Duration socketTimeout;
  private final int poolSize;
  private final ThreadFactory threadFactory;

  private RedisConnectionOptions(Builder b) {
    this.topology = b.topology;
    this.nodes = List.copyOf(b.nodes);
    this.masterName = b.masterName;
    this.user = b.user;
    this.password = b.password;
    this.database = b.database;
    this.ssl = b.ssl || b.sslSocketFactory != null;
    this.sslSocketFactory = b.sslSocketFactory;
    this.sentinelUser = b.sentinelUser;
    this.sentinelPassword = b.sentinelPassword;
    this.connectTimeout = b.connectTimeout;
    this.socketTimeout = b.socketTimeout;
    this.poolSize = b.poolSize;
    this.threadFactory = b.threadFactory;
  }

  /** One Redis server at {@code url}. */
  public static RedisConnectionOptions fromUrl(String url) {
    return builder().url(url).build();
  }

  /** A builder for {@code redis://127.0.0.1:6379}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder filled with these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Topology topology() {
    return topology;
  }

  /** The server (standalone), the seed nodes (cluster) or the sentinels (sentinel). Unresolved addresses. */
  public List<InetSocketAddress> nodes() {
    return nodes;
  }

  /** The master name Sentinel knows the master by; {@code null} unless {@link Topology#SENTINEL}. */
  public String masterName() {
    return masterName;
  }

  /** The ACL user of the data nodes, or {@code null} for the default user. */
  public String user() {
    return user;
  }

  /** The password of the data nodes, or {@code null}. */
  public String password() {
    return password;
  }

  /** The database number (0 on a Redis Cluster). Pub/sub ignores it; it is kept for the commands. */
  public int database() {
    return database;
  }

  /** Whether connections use TLS. */
  public boolean ssl() {
    return ssl;
  }

  /** The socket factory of TLS connections, or {@code null} for the JVM's default. */
  public SSLSocketFactory sslSocketFactory() {
    return sslSocketFactory;
  }

  /** The ACL user of the sentinels, or {@code null}. */
  public String sentinelUser() {
    return sentinelUser;
  }

  /** The password of the sentinels, or {@code null}. */
  public String sentinelPassword() {
    return sentinelPassword;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration socketTimeout() {
    return socketTimeout;
  }

  public int poolSize() {
    return poolSize;
  }

  /** Where the Redis parts get their threads, or {@code null} for daemon threads of their own. */
  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("RedisConnectionOptions{topology=").append(topology).append(", nodes=");
    List<String> names = new ArrayList<>();
    for (InetSocketAddress node : nodes) {
      names.add(node.getHostString() + ":" + node.getPort());
    }
    sb.append(names);
    if (masterName != null) {
      sb.append(", masterName=").append(masterName);
    }
    sb.append(", user=").append(user).append(", password=").append(password == null ? null : "****")
        .append(", database=").append(database).append(", ssl=").append(ssl);
    if (topology == Topology.SENTINEL) {
      sb.append(", sentinelUser=").append(sentinelUser).append(", sentinelPassword=")
          .append(sentinelPassword == null ? null : "****");
    }
    return sb.append(", connectTimeout=").append(connectTimeout).append(", socketTimeout=").append(socketTimeout)
        .append(", poolSize=").append(poolSize).append('}').toString();
  }

  /** Builds {@link RedisConnectionOptions}; each setter checks its value and names the option it refuses. */
  public static final class Builder {
    private Topology topology = Topology.STANDALONE;
    private List<InetSocketAddress> nodes = List.of(InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_PORT));
    private String masterName;
    private String user;
    private String password;
    private int database;
    private boolean ssl;
    private SSLSocketFactory sslSocketFactory;
    private String sentinelUser;
    private String sentinelPassword;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
    private int poolSize = DEFAULT_POOL_SIZE;
    private ThreadFactory threadFactory;

    private Builder() {
    }

    private Builder(RedisConnectionOptions o) {
      topology = o.topology;
      nodes = o.nodes;
      masterName = o.masterName;
      user = o.user;
      password = o.password;
      database = o.database;
      ssl = o.ssl;
      sslSocketFactory = o.sslSocketFactory;
      sentinelUser = o.sentinelUser;
      sentinelPassword = o.sentinelPassword;
      connectTimeout = o.connectTimeout;
      socketTimeout = o.socketTimeout;
      poolSize = o.poolSize;
      threadFactory = o.threadFactory;
    }

    /**
     * One server: {@code redis[s]://[[user]:password@]host[:port][/database]}. Sets the topology, address, user,
     * password, database and TLS.
     */
    public Builder url(String url) {
      ParsedUrl p = ParsedUrl.parse("url", url);
      topology = Topology.STANDALONE;
      nodes = List.of(p.address);
      masterName = null;
      user = p.user;
      password = p.password;
      database = p.database;
      ssl = p.ssl;
      return this;
    }

    /**
     * A Redis Cluster, from the URLs of some of its nodes (at least one). User, password and TLS come from the
     * first URL; a database number is refused (a cluster has only database 0).
     */
    public Builder cluster(String... nodeUrls) {
      Objects.requireNonNull(nodeUrls, "nodeUrls");
      if (nodeUrls.length == 0) {
        throw new IllegalArgumentException("cluster needs at least one node URL, was none");
      }
      List<InetSocketAddress> list = new ArrayList<>();
      for (int i = 0; i < nodeUrls.length; i++) {
        ParsedUrl p = ParsedUrl.parse("cluster node URL", nodeUrls[i]);
        if (p.database != 0) {
          throw new IllegalArgumentException("cluster node URL must not select a database (a Redis Cluster has only"
              + " database 0), was " + p.masked);
        }
        if (i == 0) {
          user = p.user;
          password = p.password;
          ssl = p.ssl;
        }
        list.add(p.address);
      }
      topology = Topology.CLUSTER;
      nodes = List.copyOf(list);
      masterName = null;
      database = 0;
      return this;
    }

    /**
     * A master watched by Redis Sentinel: its name and the URLs of some sentinels (at least one). The sentinels'
     * user and password come from the first sentinel URL; the master's from {@link #user}, {@link #password},
     * {@link #database} and {@link #ssl}.
     */
    public Builder sentinel(String masterName, String... sentinelUrls) {
      Objects.requireNonNull(masterName, "masterName");
      if (masterName.isBlank()) {
        throw new IllegalArgumentException("masterName must not be blank");
      }
      Objects.requireNonNull(sentinelUrls, "sentinelUrls");
      if (sentinelUrls.length == 0) {
        throw new IllegalArgumentException("sentinel needs at least one sentinel URL, was none");
      }
      List<InetSocketAddress> list = new ArrayList<>();
      for (int i = 0; i < sentinelUrls.length; i++) {
        ParsedUrl p = ParsedUrl.parse("sentinel URL", sentinelUrls[i]);
        if (i == 0) {
          sentinelUser = p.user;
          sentinelPassword = p.password;
        }
        list.add(p.address);
      }
      topology = Topology.SENTINEL;
      nodes = List.copyOf(list);
      this.masterName = masterName;
      return this;
    }

    /** The ACL user of the data nodes; {@code null} for the default user. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /** The password of the data nodes; {@code null} for none. */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /** The database number, 0..15 on a default Redis; &ge; 0. Defaults to 0. */
    public Builder database(int database) {
      if (database < 0) {
        throw new IllegalArgumentException("database must be >= 0, was " + database);
      }
      this.database = database;
      return this;
    }

    /** Whether to use TLS. Defaults to {@code false} ({@code true} with a {@code rediss://} URL). */
    public Builder ssl(boolean ssl) {
      this.ssl = ssl;
      return this;
    }

    /**
     * The socket factory of TLS connections, from an {@code SSLContext} that trusts a private CA or holds a client
     * certificate. Implies {@link #ssl(boolean) ssl(true)}. Defaults to the JVM's default factory.
     */
    public Builder sslSocketFactory(SSLSocketFactory sslSocketFactory) {
      this.sslSocketFactory = Objects.requireNonNull(sslSocketFactory, "sslSocketFactory");
      this.ssl = true;
      return this;
    }

    /** TCP connect timeout; &gt; 0. Defaults to {@link #DEFAULT_CONNECT_TIMEOUT} (2 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** Read timeout of a command; &gt; 0. Defaults to {@link #DEFAULT_SOCKET_TIMEOUT} (2 s). */
    public Builder socketTimeout(Duration socketTimeout) {
      this.socketTimeout = positive("socketTimeout", socketTimeout);
      return this;
    }

    /** Largest number of pooled command connections per server; 1..1024. Defaults to {@value #DEFAULT_POOL_SIZE}. */
    public Builder poolSize(int poolSize) {
      if (poolSize < 1 || poolSize > 1024) {
        throw new IllegalArgumentException("poolSize must be in 1..1024, was " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    /**
     * Where the Redis parts get their threads (publisher, subscriber connections and timer, script and recovery
     * I/O, outage checks): they block on Redis sockets, so they are threads of their own, never the server's
     * executor. notify names each one ({@code notify-redis-*}) and stops it on {@code close()}. Defaults to
     * {@code null}: daemon threads. Jedis' own Sentinel listener threads do not come from it.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    public RedisConnectionOptions build() {
      if (topology == Topology.CLUSTER && database != 0) {
        throw new IllegalArgumentException("database must be 0 on a Redis Cluster, was " + database);
      }
      return new RedisConnectionOptions(this);
    }

    static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }

    /** Checks that the reconnection backoff's cap is not below its first delay. */
    static void reconnectDelaysInOrder(Duration reconnectMinDelay, Duration reconnectMaxDelay) {
      if (reconnectMaxDelay.compareTo(reconnectMinDelay) < 0) {
        throw new IllegalArgumentException("reconnectMaxDelay must be >= reconnectMinDelay (" + reconnectMinDelay
            + "), was " + reconnectMaxDelay);
      }
    }
  }

  /** A parsed {@code redis://} URL. */
  private static final class ParsedUrl {
    InetSocketAddress address;
    String user;
    String password;
    int database;
    boolean ssl;
    String masked;

    static ParsedUrl parse(String option, String url) {
      Objects.requireNonNull(url, option);
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(option + " is not a valid URL (" + e.getReason() + "), was "
            + maskUrl(url));
      }
      ParsedUrl p = new ParsedUrl();
      p.masked = maskUrl(url);
      String scheme = uri.getScheme();
      if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException(option + " must start with redis:// or rediss://, was " + p.masked);
      }
      p.ssl = "rediss".equalsIgnoreCase(scheme);
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException(option + " must name a host, was " + p.masked);
      }
      int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
      p.address = InetSocketAddress.createUnresolved(uri.getHost(), port);
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
          p.password = decode(userInfo);
        } else {
          String u = decode(userInfo.substring(0, colon));
          p.user = u.isEmpty() ? null : u;
          p.password = decode(userInfo.substring(colon + 1));
        }
      }
      String path = uri.getPath();
      if (path != null && path.length() > 1) {
        try {
          p.database = Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(option + " path must be a database number, was " + p.masked);
        }
        if (p.database < 0) {
          throw new IllegalArgumentException(option + " database must be >= 0, was " + p.masked);
        }
      }
      return p;
    }

    private static String decode(String s) {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URL with its password replaced by {@code ****}, for messages. */
    static String maskUrl(String url) {
      int scheme = url.indexOf("://");
      int at = url.lastIndexOf('@');
      if (scheme < 0 || at < scheme) {
        return url;
      }
      String userInfo = url.substring(scheme + 3, at);
      int colon = userInfo.indexOf(':');
      String masked = colon < 0 ? "****" : userInfo.substring(0, colon) + ":****";
      return url.substring(0, scheme + 3) + masked + url.substring(at);
    }
  }
}
