package dev.notify.redis.internal;

import dev.notify.core.internal.LogLimiter;
import dev.notify.redis.RedisAdapterException;
import dev.notify.redis.RedisConnectionOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The subscriptions of a node: dedicated connections, each read by its own thread, that only hand each message to
 * its handler (which decodes it and queues it for its namespace). A connection that fails, or stops answering the
 * health-check PING, is dropped and opened again with capped exponential backoff plus jitter, and every
 * subscription is sent again: nothing to do for the caller. On a Redis Cluster there is one connection per server
 * owning a subscribed sharded channel.
 *
 * <p>Thread-safe; {@link #subscribe} and {@link #unsubscribe} never block.
 */
public final class Subscriber implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Subscriber.class);

  /** The three kinds of Redis subscription. */
  public enum Kind {
    CHANNEL(Protocol.Command.SUBSCRIBE, Protocol.Command.UNSUBSCRIBE),
    PATTERN(Protocol.Command.PSUBSCRIBE, Protocol.Command.PUNSUBSCRIBE),
    SHARD(Protocol.Command.SSUBSCRIBE, Protocol.Command.SUNSUBSCRIBE);

    final Protocol.Command subscribe;
    final Protocol.Command unsubscribe;

    Kind(Protocol.Command subscribe, Protocol.Command unsubscribe) {
      this.subscribe = subscribe;
      this.unsubscribe = unsubscribe;
    }
  }

  /** Receives the messages of one subscription, on the connection's thread: decode, hand off, return. */
  @FunctionalInterface
  public interface Handler {
    void onMessage(String channel, byte[] payload);
  }

  private final RedisConnector connector;
  private final Health health;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final Duration healthInterval;
  private final boolean cluster;
  private final ScheduledExecutorService timer;
  private final LogLimiter limiter = new LogLimiter(10_000);
  /** guarded by this */
  private final Map<String, Link> links = new HashMap<>();
  private volatile boolean closed;

  public Subscriber(RedisConnector connector, Health health, Duration minDelay, Duration maxDelay,
      Duration healthInterval) {
    this.connector = connector;
    this.health = health;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.healthInterval = healthInterval;
    this.cluster = connector.options().topology() == RedisConnectionOptions.Topology.CLUSTER;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Threads.factory(connector.options(), "notify-redis-sub-timer", false));
    long interval = healthInterval.toMillis();
    timer.scheduleWithFixedDelay(this::checkHealth, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Subscribes; completes when Redis confirmed the subscription (the first time: later resubscriptions are
   * silent), or fails when Redis refuses it (such as {@code SSUBSCRIBE} on Redis 6). Never blocks.
   */
  public CompletableFuture<Void> subscribe(Kind kind, String name, Handler handler) {
    Sub sub = new Sub(kind, name, handler);
    if (cluster) {
      timer.execute(() -> route(sub, 0));
    } else {
      Link link;
      synchronized (this) {
        link = link("default", null);
        link.register(sub);
      }
      link.sendIfConnected(sub);
    }
    return sub.confirmed;
  }

  /** Ends a subscription; never blocks. */
  public void unsubscribe(Kind kind, String name) {
    List<Link> had = new ArrayList<>();
    List<Link> unused = new ArrayList<>();
    synchronized (this) {
      for (Link link : links.values()) {
        if (link.unregister(kind, name)) {
          had.add(link);
          if (link.subs.isEmpty() && cluster) {
            unused.add(link);
          }
        }
      }
      unused.forEach(link -> links.remove(link.key));
    }
    had.forEach(link -> link.sendUnsubscribe(kind, name));
    unused.forEach(Link::stop);
  }

  /** Whether every connection is up and subscribed. */
  public synchronized boolean connected() {
    for (Link link : links.values()) {
      if (link.conn == null) {
        return false;
      }
    }
    return true;
  }

  /** On a Redis Cluster, finds the server of a subscription (off the caller's thread: it may ask Redis). */
  private void route(Sub sub, int attempt) {
    if (closed) {
      return;
    }
    HostAndPort endpoint;
    try {
      endpoint = connector.endpointFor(sub.name);
    } catch (RuntimeException e) {
      health.down(this, e);
      timer.schedule(() -> route(sub, attempt + 1), Backoff.delayNanos(minDelay, maxDelay, attempt),
          TimeUnit.NANOSECONDS);
      return;
    }
    health.up(this);
    Link link = null;
    synchronized (this) {
      if (!closed && sub.wanted) {
        link = link(endpoint.toString(), endpoint);
        link.register(sub);
      }
    }
    if (link != null) {
      link.sendIfConnected(sub);
    }
  }

  /** Cluster: sends a link's subscriptions to the servers that own them now. */
  private void reroute(Link from) {
    try {
      connector.refreshTopology();
    } catch (RuntimeException e) {
      return;
    }
    for (Sub sub : new ArrayList<>(from.subs.values())) {
      HostAndPort endpoint;
      try {
        endpoint = connector.endpointFor(sub.name);
      } catch (RuntimeException e) {
        return;
      }
      if (!endpoint.equals(from.endpoint)) {
        Link to = null;
        synchronized (this) {
          if (from.subs.remove(sub.key(), sub) && !closed) {
            to = link(endpoint.toString(), endpoint);
            to.register(sub);
          }
        }
        if (to != null) {
          to.sendIfConnected(sub);
        }
      }
    }
    boolean unused;
    synchronized (this) {
      unused = from.subs.isEmpty() && links.get(from.key) == from;
      if (unused) {
        links.remove(from.key);
      }
    }
    if (unused) {
      from.stop();
    }
  }

  /** guarded by this */
  private Link link(String key, HostAndPort endpoint) {
    Link link = links.get(key);
    if (link == null) {
      link = new Link(key, endpoint);
      links.put(key, link);
      link.start();
    }
    return link;
  }

  private void checkHealth() {
    List<Link> all;
    synchronized (this) {
      all = new ArrayList<>(links.values());
    }
    long now = System.nanoTime();
    long interval = healthInterval.toNanos();
    for (Link link : all) {
      link.checkHealth(now, interval);
    }
  }

  @Override
  public void close() {
    List<Link> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(links.values());
      links.clear();
    }
    for (Link link : all) {
      link.stop();
    }
    timer.shutdownNow();
  }

  /** One subscription. */
  private static final class Sub {
    final Kind kind;
    final String name;
    final Handler handler;
    final CompletableFuture<Void> confirmed = new CompletableFuture<>();
    volatile boolean wanted = true;

    Sub(Kind kind, String name, Handler handler) {
      this.kind = kind;
      this.name = name;
      this.handler = handler;
    }

    String key() {
      return kind.name() + ' ' + name;
    }
  }

  /** One connection, its reader thread, and the subscriptions it carries. */
  private final class Link {
    final String key;
    /** fixed on a Redis Cluster; {@code null} elsewhere: asked again (current master) at each connect */
    final HostAndPort endpoint;
    final Map<String, Sub> subs = new ConcurrentHashMap<>();
    /** sent and not yet confirmed on the current connection, oldest first */
    final Queue<Sub> awaiting = new ConcurrentLinkedQueue<>();
    /** serializes writes to the connection (a Jedis connection is not thread-safe); held only while writing */
    final Object writeLock = new Object();
    final CountDownLatch stopped = new CountDownLatch(1);
    final Thread thread;
    volatile Connection conn;
    volatile long lastSeen;
    volatile boolean pingSent;
    volatile boolean healthy;

    Link(String key, HostAndPort endpoint) {
      this.key = key;
      this.endpoint = endpoint;
      this.thread = Threads.newThread(connector.options(),
          "notify-redis-sub-" + (endpoint == null ? connector.describe() : endpoint), this::run);
    }

    void start() {
      thread.start();
    }

    /** Takes the subscription: a reconnection subscribes it from now on. Called under the subscriber's lock. */
    void register(Sub sub) {
      subs.put(sub.key(), sub);
    }

    /** Sends a registered subscription now, unless the connection is down (its reconnection will). */
    void sendIfConnected(Sub sub) {
      synchronized (writeLock) {
        Connection c = conn;
        if (c != null && subs.get(sub.key()) == sub) {
          send(c, sub);
        }
      }
    }

    /** Drops the subscription; {@code false} when this link did not have it. Called under the subscriber's lock. */
    boolean unregister(Kind kind, String name) {
      Sub sub = subs.remove(kind.name() + ' ' + name);
      if (sub == null) {
        return false;
      }
      sub.wanted = false;
      return true;
    }

    void sendUnsubscribe(Kind kind, String name) {
      synchronized (writeLock) {
        Connection c = conn;
        if (c != null) {
          try {
            c.sendCommand(kind.unsubscribe, name);
            c.getMany(0);
          } catch (RuntimeException e) {
            // the reconnection will not resubscribe it
          }
        }
      }
    }

    /** guarded by writeLock */
    private void send(Connection c, Sub sub) {
      try {
        awaiting.add(sub);
        c.sendCommand(sub.kind.subscribe, sub.name);
        c.getMany(0); // flushes
      } catch (RuntimeException e) {
        // the reader sees the broken connection and reconnects, sending it again
      }
    }

    void run() {
      Backoff backoff = new Backoff(minDelay, maxDelay);
      while (stopped.getCount() > 0) {
        Connection c = null;
        try {
          c = connector.openSubscriber(endpoint != null ? endpoint : connector.endpointFor("-"));
          c.setTimeoutInfinite();
          lastSeen = System.nanoTime();
          pingSent = false;
          synchronized (writeLock) {
            if (stopped.getCount() == 0) {
              c.close();
              return;
            }
            awaiting.clear();
            conn = c;
            for (Sub sub : subs.values()) {
              send(c, sub);
            }
          }
          if (subs.isEmpty()) {
            markHealthy(backoff);
          }
          read(c, backoff);
        } catch (RuntimeException e) {
          synchronized (writeLock) {
            conn = null;
          }
          if (c != null) {
            c.close();
          }
          if (stopped.getCount() == 0) {
            return;
          }
          healthy = false;
          health.down(this, e);
          if (cluster && endpoint != null) {
            timer.execute(() -> reroute(this));
          }
          try {
            if (stopped.await(backoff.nextNanos(), TimeUnit.NANOSECONDS)) {
              return;
            }
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }

    private void markHealthy(Backoff backoff) {
      if (!healthy) {
        healthy = true;
        backoff.reset();
        health.up(this);
      }
    }

    private void read(Connection c, Backoff backoff) {
      while (true) {
        Object reply;
        try {
          reply = c.getUnflushedObject();
        } catch (JedisDataException e) {
          refused(e);
          continue;
        }
        lastSeen = System.nanoTime();
        pingSent = false;
        if (!(reply instanceof List<?> list) || list.isEmpty() || !(list.get(0) instanceof byte[] head)) {
          continue; // +PONG outside subscribed mode
        }
        String type = new String(head, StandardCharsets.US_ASCII);
        switch (type) {
          case "message" -> deliver(Kind.CHANNEL, text(list.get(1)), text(list.get(1)), list.get(2));
          case "smessage" -> deliver(Kind.SHARD, text(list.get(1)), text(list.get(1)), list.get(2));
          case "pmessage" -> deliver(Kind.PATTERN, text(list.get(1)), text(list.get(2)), list.get(3));
          case "subscribe" -> confirmed(Kind.CHANNEL, text(list.get(1)), backoff);
          case "psubscribe" -> confirmed(Kind.PATTERN, text(list.get(1)), backoff);
          case "ssubscribe" -> confirmed(Kind.SHARD, text(list.get(1)), backoff);
          case "sunsubscribe" -> {
            // Redis drops sharded subscriptions whose slot moved: subscribe where it lives now
            Sub sub = subs.get(Kind.SHARD.name() + ' ' + text(list.get(1)));
            if (sub != null && sub.wanted) {
              subs.remove(sub.key(), sub);
              timer.execute(() -> route(sub, 0));
            }
          }
          default -> {
            // unsubscribe confirmations, pong
          }
        }
      }
    }

    private void deliver(Kind kind, String name, String channel, Object payload) {
      Sub sub = subs.get(kind.name() + ' ' + name);
      if (sub == null || !(payload instanceof byte[] bytes)) {
        return;
      }
      try {
        sub.handler.onMessage(channel, bytes);
      } catch (RuntimeException e) {
        limiter.warn(log, "handler", "handler of " + channel + " threw: " + e);
      }
    }

    private void confirmed(Kind kind, String name, Backoff backoff) {
      Sub sub = subs.get(kind.name() + ' ' + name);
      awaiting.removeIf(s -> s.kind == kind && s.name.equals(name));
      if (sub != null) {
        sub.confirmed.complete(null);
      }
      markHealthy(backoff);
    }

    private void refused(JedisDataException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      if (message.startsWith("MOVED") || message.startsWith("ASK")) {
        throw e; // reconnect; on a Redis Cluster the subscriptions are routed again
      }
      Sub sub = awaiting.poll();
      if (sub != null) {
        subs.remove(sub.key(), sub);
        log.error("Redis {} refused {} {}: {}", connector.describe(), sub.kind.subscribe, sub.name, message);
        sub.confirmed.completeExceptionally(new RedisAdapterException("Redis refused " + sub.kind.subscribe + " "
            + sub.name + ": " + message + (sub.kind == Kind.SHARD ? " (sharded pub/sub needs Redis 7)" : "")));
      } else {
        limiter.warn(log, "sub-error", "Redis " + connector.describe() + " sent an error to a subscription: "
            + message);
      }
    }

    void checkHealth(long now, long interval) {
      Connection c = conn;
      if (c == null) {
        return;
      }
      long silent = now - lastSeen;
      if (pingSent && silent > 2 * interval) {
        // no answer to the last PING: the connection is dead even if TCP does not know yet
        log.debug("subscription connection silent for {} ms, dropping it", silent / 1_000_000);
        c.close();
        return;
      }
      if (silent >= interval) {
        synchronized (writeLock) {
          if (conn == c) {
            try {
              pingSent = true;
              c.sendCommand(Protocol.Command.PING);
              c.getMany(0);
            } catch (RuntimeException e) {
              c.close();
            }
          }
        }
      }
    }

    void stop() {
      stopped.countDown();
      for (Sub sub : subs.values()) {
        sub.wanted = false;
      }
      Connection c;
      synchronized (writeLock) {
        c = conn;
        conn = null;
      }
      if (c != null) {
        c.close();
      }
      health.up(this);
    }
  }

  private static String text(Object bytes) {
    return bytes instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(bytes);
  }
}
