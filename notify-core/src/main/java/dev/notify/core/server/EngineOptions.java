package dev.notify.core.server;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Engine.IO settings: heartbeat, payload limit, upgrade, buffering and origin policy. Immutable; build one with
 * {@link #builder()}, derive with {@link #toBuilder()}. Defaults are those of the reference server.
 */
public final class EngineOptions {

  /** Defaults to {@value}: the Engine.IO path. Socket.IO servers use {@code /socket.io/}. */
  public static final String DEFAULT_PATH = "/engine.io/";
  /** Defaults to 25 s: how often the server pings. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
  /** Defaults to 20 s: how long the server waits for the pong. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(20);
  /** Defaults to 1,000,000 bytes: the largest packet or polling payload a client may send. */
  public static final int DEFAULT_MAX_PAYLOAD = 1_000_000;
  /** Defaults to 10 s: how long an upgrade from polling to WebSocket may take. */
  public static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofSeconds(10);
  /** Defaults to 4096: outbound packets buffered for one client before it counts as too slow. */
  public static final int DEFAULT_MAX_BUFFERED_PACKETS = 4096;
  /** Defaults to 4 MiB: outbound bytes buffered for one client before it counts as too slow. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 4L << 20;
  /** Defaults to both transports. */
  public static final Set<String> DEFAULT_TRANSPORTS = Set.of("polling", "websocket");

  /** Defaults to no limit: sessions one node holds. */
  public static final int DEFAULT_MAX_CONNECTIONS = Integer.MAX_VALUE;
  /** Defaults to no limit: sessions from one client address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = Integer.MAX_VALUE;
  /** Defaults to 0, no limit: new sessions a node opens per second. */
  public static final int DEFAULT_HANDSHAKES_PER_SECOND = 0;

  /** Defaults to 1024 bytes: smaller messages and polling responses are sent uncompressed. */
  public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

  /** Allows any origin in {@link Builder#allowedOrigins(String...)}. */
  public static final String ANY_ORIGIN = "*";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final String path;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final int maxPayload;
  private final Duration upgradeTimeout;
  private final int maxBufferedPackets;
  private final long maxBufferedBytes;
  private final Set<String> transports;
  private final boolean allowUpgrades;
  private final List<String> allowedOrigins;
  private final List<String> allowedHosts;
  private final boolean allowCredentials;
  private final int maxConnections;
  private final int maxConnectionsPerAddress;
  private final int handshakesPerSecond;
  private final Set<String> trustedProxies;
  private final boolean perMessageDeflate;
  private final boolean httpCompression;
  private final int compressionThreshold;

  private EngineOptions(Builder b) {
    this.path = b.path;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.maxPayload = b.maxPayload;
    this.upgradeTimeout = b.upgradeTimeout;
    this.maxBufferedPackets = b.maxBufferedPackets;
    this.maxBufferedBytes = b.maxBufferedBytes;
    this.transports = b.transports;
    this.allowUpgrades = b.allowUpgrades;
    this.allowedOrigins = b.allowedOrigins;
    this.allowedHosts = b.allowedHosts;
    this.allowCredentials = b.allowCredentials;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.handshakesPerSecond = b.handshakesPerSecond;
    this.trustedProxies = b.trustedProxies;
    this.perMessageDeflate = b.perMessageDeflate;
    this.httpCompression = b.httpCompression;
    this.compressionThreshold = b.compressionThreshold;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public String path() {
    return path;
  }

  public Duration pingInterval() {
    return pingInterval;
  }

  public Duration pingTimeout() {
    return pingTimeout;
  }

  public int maxPayload() {
    return maxPayload;
  }

  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  public int maxBufferedPackets() {
    return maxBufferedPackets;
  }

  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  public Set<String> transports() {
    return transports;
  }

  public boolean allowUpgrades() {
    return allowUpgrades;
  }

  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  public List<String> allowedHosts() {
    return allowedHosts;
  }

  public boolean allowCredentials() {
    return allowCredentials;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  public int handshakesPerSecond() {
    return handshakesPerSecond;
  }

  public Set<String> trustedProxies() {
    return trustedProxies;
  }

  public boolean perMessageDeflate() {
    return perMessageDeflate;
  }

  public boolean httpCompression() {
    return httpCompression;
  }

  public int compressionThreshold() {
    return compressionThreshold;
  }

  /**
   * The address of the client behind a request from {@code peer} with that {@code X-Forwarded-For} header (or
   * {@code null}): the peer's, or, when the peer is one of the {@link #trustedProxies()}, the last address of
   * {@code X-Forwarded-For} that is not a trusted proxy. Only trusted
   * proxies may say who the client is: anyone else could claim any address.
   */
  public String clientAddress(String peer, String forwardedFor) {
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    String forwarded = forwardedFor;
    if (forwarded == null) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }

  /** The transports a client that opened on {@code transport} may upgrade to. */
  public List<String> upgradesFrom(String transport) {
    return allowUpgrades && "polling".equals(transport) && transports.contains("websocket")
        ? List.of("websocket") : List.of();
  }

  /**
   * Whether a browser request from {@code origin} may open a session. Requests without an {@code Origin} header
   * do not come from a browser page and are allowed. With no allowed origins configured, only the page's own
   * origin is: the origin's host and port must equal the {@code Host} header, and that host must be one the
   * server answers for ({@link Builder#allowedHosts}), so that a page of another site whose name an attacker
   * re-pointed at this server (DNS rebinding) is not taken for the server's own.
   *
   * @param origin the {@code Origin} header, or {@code null}
   * @param host the {@code Host} header, or {@code null}
   */
  public boolean isOriginAllowed(String origin, String host) {
    if (origin == null || allowedOrigins.contains(ANY_ORIGIN)) {
      return true;
    }
    if (!allowedOrigins.isEmpty()) {
      return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }
    if (host == null) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      if (uri.getHost() == null || !isAllowedHost(uri.getHost().toLowerCase(Locale.ROOT))) {
        return false;
      }
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      String defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? ":443" : ":80";
      return authority.equalsIgnoreCase(host) || (authority + defaultPort).equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** An IP address, {@code localhost} and its subdomains, or a name of {@link #allowedHosts()}. */
  private boolean isAllowedHost(String name) {
    return name.startsWith("[") || IPV4.matcher(name).matches() || name.equals("localhost")
        || name.endsWith(".localhost") || allowedHosts.contains(name);
  }

  @Override
  public String toString() {
    return "EngineOptions{path=" + path + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
        + ", maxPayload=" + maxPayload + ", upgradeTimeout=" + upgradeTimeout  + ", maxBufferedPackets="
        + maxBufferedPackets + ", maxBufferedBytes=" + maxBufferedBytes + ", transports=" + transports + ", allowUpgrades=" + allowUpgrades
        + ", allowedOrigins=" + (allowedOrigins.isEmpty() ? "same origin" : allowedOrigins)
        + ", allowedHosts=" + allowedHosts
        + ", allowCredentials=" + allowCredentials
        + ", maxConnections=" + limit(maxConnections) + ", maxConnectionsPerAddress=" + limit(maxConnectionsPerAddress)
        + ", handshakesPerSecond=" + (handshakesPerSecond == 0 ? "unlimited" : handshakesPerSecond)
        + ", trustedProxies=" + trustedProxies + ", perMessageDeflate=" + perMessageDeflate + ", httpCompression="
        + httpCompression + ", compressionThreshold=" + compressionThreshold + '}';
  }

  private static String limit(int value) {
    return value == Integer.MAX_VALUE ? "unlimited" : String.valueOf(value);
  }

  /** Builds {@link EngineOptions}; each setter checks its value and names the option when it refuses one. */
  public static final class Builder {
    private String path = DEFAULT_PATH;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
    private int maxPayload = DEFAULT_MAX_PAYLOAD;
    private Duration upgradeTimeout = DEFAULT_UPGRADE_TIMEOUT;
    private int maxBufferedPackets = DEFAULT_MAX_BUFFERED_PACKETS;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private Set<String> transports = DEFAULT_TRANSPORTS;
    private boolean allowUpgrades = true;
    private List<String> allowedOrigins = List.of();
    private List<String> allowedHosts = List.of();
    private boolean allowCredentials;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private int handshakesPerSecond = DEFAULT_HANDSHAKES_PER_SECOND;
    private Set<String> trustedProxies = Set.of();
    private boolean perMessageDeflate;
    private boolean httpCompression = true;
    private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;

    private Builder() {
    }

    private Builder(EngineOptions o) {
      path = o.path;
      pingInterval = o.pingInterval;
      pingTimeout = o.pingTimeout;
      maxPayload = o.maxPayload;
      upgradeTimeout = o.upgradeTimeout;
      maxBufferedPackets = o.maxBufferedPackets;
      maxBufferedBytes = o.maxBufferedBytes;
      transports = o.transports;
      allowUpgrades = o.allowUpgrades;
      allowedOrigins = o.allowedOrigins;
      allowedHosts = o.allowedHosts;
      allowCredentials = o.allowCredentials;
      maxConnections = o.maxConnections;
      maxConnectionsPerAddress = o.maxConnectionsPerAddress;
      handshakesPerSecond = o.handshakesPerSecond;
      trustedProxies = o.trustedProxies;
      perMessageDeflate = o.perMessageDeflate;
      httpCompression = o.httpCompression;
      compressionThreshold = o.compressionThreshold;
    }

    /** The HTTP path the transports answer on; must start and end with {@code /}. Defaults to {@value #DEFAULT_PATH}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/") || !path.endsWith("/")) {
        throw new IllegalArgumentException("path must start and end with '/', was " + path);
      }
      this.path = path;
      return this;
    }

    /** How often the server pings each client; &gt; 0. Defaults to {@link #DEFAULT_PING_INTERVAL}. */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = positive("pingInterval", pingInterval);
      return this;
    }

    /** How long the server waits for a pong before it closes the session; &gt; 0. Defaults to {@link #DEFAULT_PING_TIMEOUT}. */
    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = positive("pingTimeout", pingTimeout);
      return this;
    }

    /** The largest WebSocket message or polling request body a client may send, in bytes; &gt; 0. Defaults to {@value #DEFAULT_MAX_PAYLOAD}. */
    public Builder maxPayload(int maxPayload) {
      if (maxPayload <= 0) {
        throw new IllegalArgumentException("maxPayload must be > 0, was " + maxPayload);
      }
      this.maxPayload = maxPayload;
      return this;
    }

    /** How long an upgrade from polling to WebSocket may take; &gt; 0. Defaults to {@link #DEFAULT_UPGRADE_TIMEOUT}. */
    public Builder upgradeTimeout(Duration upgradeTimeout) {
      this.upgradeTimeout = positive("upgradeTimeout", upgradeTimeout);
      return this;
    }

    /**
     * How many outbound packets may wait for one client; &gt; 0. When a client falls further behind, volatile
     * packets to it are dropped and any other packet closes its session with {@link CloseReason#TRANSPORT_ERROR}.
     * Defaults to {@value #DEFAULT_MAX_BUFFERED_PACKETS}.
     */
    public Builder maxBufferedPackets(int maxBufferedPackets) {
      if (maxBufferedPackets <= 0) {
        throw new IllegalArgumentException("maxBufferedPackets must be > 0, was " + maxBufferedPackets);
      }
      this.maxBufferedPackets = maxBufferedPackets;
      return this;
    }

    /**
     * How many outbound bytes may wait for one client; &gt; 0. Counted as a frame's {@link
     * dev.notify.core.internal.protocol.Frame#length() length}. When a client falls further behind, volatile packets to
     * it are dropped and any other packet closes its session with {@link CloseReason#TRANSPORT_ERROR}: a client
     * that stops reading holds at most this much of the heap. Defaults to {@link #DEFAULT_MAX_BUFFERED_BYTES}.
     */
    public Builder maxBufferedBytes(long maxBufferedBytes) {
      if (maxBufferedBytes <= 0) {
        throw new IllegalArgumentException("maxBufferedBytes must be > 0, was " + maxBufferedBytes);
      }
      this.maxBufferedBytes = maxBufferedBytes;
      return this;
    }

    /** The transports clients may use: {@code "polling"} and/or {@code "websocket"}. Defaults to both. */
    public Builder transports(String... transports) {
      Set<String> set = Set.of(transports);
      if (set.isEmpty() || !DEFAULT_TRANSPORTS.containsAll(set)) {
        throw new IllegalArgumentException("transports must be a non-empty subset of [polling, websocket], was "
            + set);
      }
      this.transports = set;
      return this;
    }

    /** Whether polling clients may upgrade to WebSocket. Defaults to {@code true}. */
    public Builder allowUpgrades(boolean allowUpgrades) {
      this.allowUpgrades = allowUpgrades;
      return this;
    }

    /**
     * The browser origins allowed to connect, such as {@code https://app.example.com}, or {@link #ANY_ORIGIN}.
     * A WebSocket handshake from another origin is refused (cross-site WebSocket hijacking), and polling answers
     * carry CORS headers for allowed origins only. Defaults to none: the page's own origin only, for the hosts
     * of {@link #allowedHosts}. {@code "*"} cannot be combined with {@link #allowCredentials}.
     */
    public Builder allowedOrigins(String... origins) {
      for (String origin : origins) {
        Objects.requireNonNull(origin, "allowedOrigins element");
        if (!origin.equals(ANY_ORIGIN) && (origin.endsWith("/") || !origin.contains("://"))) {
          throw new IllegalArgumentException(
              "allowedOrigins entries must look like scheme://host[:port] or be \"*\", was " + origin);
        }
      }
      this.allowedOrigins = List.of(origins).stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
      return this;
    }

    /**
     * The host names the server answers for when no {@link #allowedOrigins} are set, such as {@code
     * app.example.com}: a page is of the server's own origin only if its host is one of these, an IP address, or
     * {@code localhost}. Pages served under any other name, including a name an attacker points at this server
     * (DNS rebinding), are refused. Not needed with {@link #allowedOrigins}. Defaults to none.
     */
    public Builder allowedHosts(String... hosts) {
      for (String host : hosts) {
        Objects.requireNonNull(host, "allowedHosts element");
        if (host.isEmpty() || host.contains(":") || host.contains("/")) {
          throw new IllegalArgumentException("allowedHosts entries must be host names without scheme or port, was "
              + host);
        }
      }
      this.allowedHosts = List.of(hosts).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
      return this;
    }

    /**
     * Whether polling answers allow credentials (cookies) from allowed origins. Not with {@code
     * allowedOrigins("*")}: credentials would then go to any site. Defaults to {@code false}.
     */
    public Builder allowCredentials(boolean allowCredentials) {
      this.allowCredentials = allowCredentials;
      return this;
    }

    /**
     * The most sessions this node holds; &gt; 0. A handshake past it is refused as the server being busy: HTTP
     * 503 with {@code Retry-After} for polling, WebSocket close 1013 ("try again later"); clients retry with
     * their reconnection backoff. Defaults to no limit.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException("maxConnections must be > 0, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The most sessions from one client address ({@link EngineOptions#clientAddress}); &gt; 0. Refused as
     * {@link #maxConnections}. Mind clients behind one NAT or proxy: they share an address. Defaults to no limit.
     */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      if (maxConnectionsPerAddress <= 0) {
        throw new IllegalArgumentException("maxConnectionsPerAddress must be > 0, was " + maxConnectionsPerAddress);
      }
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
      return this;
    }

    /**
     * The most new sessions per second, in bursts of as many; &gt;= 0, 0 for no limit. Past it a handshake is
     * refused as {@link #maxConnections}, with the seconds until there is room in {@code Retry-After}: after a
     * restart, every client of the node reconnects at once, and this spreads them. Defaults to no limit.
     */
    public Builder handshakesPerSecond(int handshakesPerSecond) {
      if (handshakesPerSecond < 0) {
        throw new IllegalArgumentException("handshakesPerSecond must be >= 0, was " + handshakesPerSecond);
      }
      this.handshakesPerSecond = handshakesPerSecond;
      return this;
    }

    /**
     * The IP addresses of the reverse proxies in front of the server, whose {@code X-Forwarded-For} header names
     * the client for {@link #maxConnectionsPerAddress}. Defaults to none: the peer's address counts.
     */
    public Builder trustedProxies(String... addresses) {
      for (String address : addresses) {
        Objects.requireNonNull(address, "trustedProxies element");
        if (address.isBlank() || address.contains("/")) {
          throw new IllegalArgumentException("trustedProxies entries must be IP addresses, was " + address);
        }
      }
      this.trustedProxies = Set.of(addresses);
      return this;
    }

    /**
     * Whether WebSocket messages may be compressed (the permessage-deflate extension, when the client offers it
     * and the transport has it). Off by default, as in Socket.IO since 2021: each compressed connection keeps a
     * zlib context (up to about 300 KB of native memory with the default window), which costs more than it saves
     * for the small messages of most applications. The Jakarta endpoint refuses the extension explicitly when
     * off: Tomcat and Jetty would otherwise agree to it whenever a browser offers it.
     */
    public Builder perMessageDeflate(boolean perMessageDeflate) {
      this.perMessageDeflate = perMessageDeflate;
      return this;
    }

    /**
     * Whether long-polling responses of at least {@link #compressionThreshold} bytes are gzipped for clients that
     * accept it. Defaults to {@code true}, as Socket.IO.
     */
    public Builder httpCompression(boolean httpCompression) {
      this.httpCompression = httpCompression;
      return this;
    }

    /**
     * The smallest message or polling response that is compressed, in bytes; &gt;= 0. Transports that decide
     * per message (long-polling) honour it; a Jakarta container compresses every message once permessage-deflate
     * is agreed. Defaults to {@value #DEFAULT_COMPRESSION_THRESHOLD}.
     */
    public Builder compressionThreshold(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("compressionThreshold must be >= 0, was " + bytes);
      }
      this.compressionThreshold = bytes;
      return this;
    }

    /** @throws IllegalArgumentException when {@code allowedOrigins("*")} is combined with credentials */
    public EngineOptions build() {
      if (allowCredentials && allowedOrigins.contains(ANY_ORIGIN)) {
        throw new IllegalArgumentException("allowCredentials(true) cannot be combined with allowedOrigins(\"*\"): "
            + "any site could then make requests with the user's cookies; list the allowed origins instead");
      }
      return new EngineOptions(this);
    }

    static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }
  }
}
