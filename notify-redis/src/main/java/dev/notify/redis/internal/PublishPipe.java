package dev.notify.redis.internal;

import dev.notify.redis.RedisConnectionOptions.Topology;
import dev.notify.redis.internal.RedisConnector.Outgoing;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The publisher thread's way to Redis: batches are written and flushed on a connection of its own, and their
 * replies read later, when the next batch or query comes or the thread is idle. Waiting for {@code PUBLISH}'s reply
 * right after sending it parked the thread a second time per message under light traffic; by the time the next
 * batch comes the replies are in the socket's buffer and reading them does not park.
 *
 * <p>On a Redis Cluster a batch spans several servers: it is published with {@link RedisConnector#publish}, which
 * reads the replies at once. Under Sentinel the connection follows the current master.
 *
 * <p>Not thread-safe: the publisher thread alone uses it.
 */
final class PublishPipe implements AutoCloseable {

  private final RedisConnector connector;
  private Link link;
  /** Messages written whose replies are not read yet (on a Redis Cluster: always 0). */
  private int unread;
  /** Refusals counted by synchronous publishes on a Redis Cluster, not yet reported by {@link #settle}. */
  private int refusedUnreported;

  PublishPipe(RedisConnector connector) {
    this.connector = connector;
  }

  /**
   * Writes {@code batch} and flushes it; does not wait for the replies.
   *
   * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached; part of the batch may have
   *     been published
   */
  void send(List<Outgoing> batch) {
    if (connector.options().topology() == Topology.CLUSTER) {
      refusedUnreported += connector.publish(batch);
      return;
    }
    Link l = link();
    RedisConnector.write(l, batch);
    l.push();
    // counted once sent: a batch that failed to go out is the caller's to count
    unread += batch.size();
  }

  /** Whether messages were sent whose replies were not read. */
  boolean unsettled() {
    return unread > 0 || refusedUnreported > 0;
  }

  /** How many messages sent but not settled would be lost if the connection failed now. */
  int unread() {
    return unread;
  }

  /**
   * Reads the replies of what was sent.
   *
   * @return how many of those messages Redis refused with an error reply (such as {@code SPUBLISH} on Redis 6)
   * @throws redis.clients.jedis.exceptions.JedisException when the connection failed before every reply came
   */
  int settle() {
    int refused = refusedUnreported;
    refusedUnreported = 0;
    if (unread == 0) {
      return refused;
    }
    List<Object> replies = link.getMany(unread);
    unread = 0;
    for (Object reply : replies) {
      if (reply instanceof JedisDataException) {
        refused++;
      }
    }
    return refused;
  }

  /** Drops the connection (it failed, or Redis is being probed again); the next batch opens a new one. */
  void reset() {
    unread = 0;
    refusedUnreported = 0;
    if (link != null) {
      try {
        link.close();
      } catch (JedisException e) {
        // closing flushes what a failed write left in Jedis's buffer, which fails again: the socket is closed
      }
      link = null;
    }
  }

  @Override
  public void close() {
    reset();
  }

  private Link link() {
    if (link != null && (link.isBroken() || movedMaster())) {
      reset();
    }
    if (link == null) {
      link = new Link(connector.endpointFor(""), connector.commandConfig());
    }
    return link;
  }

  /**
   * Whether a failover moved the master since the connection was opened: only under Sentinel does the endpoint
   * change, so only then is it asked for each batch. What the old master did not answer is not waited for.
   */
  private boolean movedMaster() {
    return connector.options().topology() == Topology.SENTINEL
        && !link.endpoint.equals(connector.endpointFor(""));
  }

  /** A connection whose buffered commands can be flushed without reading a reply. */
  private static final class Link extends Connection {
    final HostAndPort endpoint;

    Link(HostAndPort endpoint, JedisClientConfig config) {
      super(endpoint, config);
      this.endpoint = endpoint;
    }

    void push() {
      flush();
    }
  }
}
