package dev.notify.redis.testing;

import dev.notify.redis.RedisMode;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * A raw Redis subscriber on a namespace's request channel (classic) or main channel (sharded) that never answers:
 * it counts as a node in {@code PUBSUB NUMSUB}/{@code SHARDNUMSUB}, so requests wait for it and time out.
 */
public final class SilentNode implements AutoCloseable {

  private final JedisPubSub classic = new JedisPubSub() {
    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      subscribed.countDown();
    }
  };
  private final JedisShardedPubSub sharded = new JedisShardedPubSub() {
    @Override
    public void onSSubscribe(String channel, int subscribedChannels) {
      subscribed.countDown();
    }
  };
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final RedisMode mode;
  private final Thread thread;

  public SilentNode(String url, String key, String nsp, RedisMode mode) {
    this.mode = mode;
    URI uri = URI.create(url);
    String channel = mode == RedisMode.CLASSIC ? key + "-request#" + nsp + "#" : key + "#" + nsp + "#";
    Connection connection = new Connection(new HostAndPort(uri.getHost(), uri.getPort()));
    this.thread = new Thread(() -> {
      try (connection) {
        if (mode == RedisMode.CLASSIC) {
          classic.proceed(connection, channel);
        } else {
          sharded.proceed(connection, channel);
        }
      } catch (RuntimeException e) {
        // closed
      }
    }, "silent-node");
    thread.setDaemon(true);
    thread.start();
    try {
      if (!subscribed.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("silent node did not subscribe to " + channel);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      if (mode == RedisMode.CLASSIC) {
        classic.unsubscribe();
      } else {
        sharded.sunsubscribe();
      }
      thread.join(5000);
    } catch (RuntimeException | InterruptedException e) {
      // best effort
    }
  }
}
