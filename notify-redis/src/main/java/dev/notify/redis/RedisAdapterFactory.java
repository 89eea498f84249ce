package dev.notify.redis;

import dev.notify.core.adapter.Adapter;
import dev.notify.core.adapter.AdapterFactory;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.redis.internal.ClassicRedisAdapter;
import dev.notify.redis.internal.Health;
import dev.notify.redis.internal.RedisClusterAdapter;
import dev.notify.redis.internal.RedisResources;
import dev.notify.redis.internal.ShardedRedisAdapter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the {@link RedisAdapter} of each namespace of one server; get one from {@link RedisAdapter#factory}. The
 * namespaces share one publisher thread, one set of subscriber connections and one command pool, opened with the
 * first namespace and closed with the last one (when the server closes): give each server its own factory.
 *
 * <p>Thread-safe. Also where the health of the Redis link is read: {@link #redisAvailable()},
 * {@link #droppedPublishes()}, {@link #droppedInbound()}.
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisAdapterFactory.class);

  private final RedisAdapterOptions options;
  private final AtomicLong droppedInbound = new AtomicLong();
  private final AtomicLong droppedBefore = new AtomicLong();
  /** guarded by this */
  private RedisResources resources;
  /** guarded by this */
  private int users;

  RedisAdapterFactory(RedisAdapterOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public RedisAdapterOptions options() {
    return options;
  }

  @Override
  public Adapter create(AdapterNamespace namespace) {
    RedisResources shared = acquire(namespace.metrics());
    Runnable release = this::release;
    RedisClusterAdapter adapter = options.mode() == RedisMode.SHARDED
        ? new ShardedRedisAdapter(namespace, options, shared, release, droppedInbound)
        : new ClassicRedisAdapter(namespace, options, shared, release, droppedInbound);
    return adapter;
  }

  private synchronized RedisResources acquire(NotifyMetrics metrics) {
    if (resources == null) {
      log.info("connecting to Redis: {}", options);
      resources = new RedisResources(options.connection(), options.publishQueueCapacity(),
          options.reconnectMinDelay(), options.reconnectMaxDelay(), options.healthCheckInterval(), true, "adapter");
      resources.publisher().metrics(metrics);
      resources.health().addListener(new Health.Listener() {
        @Override
        public void onDown() {
          metrics.clusterOutage(true);
        }

        @Override
        public void onUp() {
          metrics.clusterOutage(false);
        }
      });
    }
    users++;
    return resources;
  }

  private synchronized void release() {
    if (users > 0 && --users == 0 && resources != null) {
      droppedBefore.addAndGet(resources.publisher().dropped());
      resources.close();
      resources = null;
    }
  }

  /**
   * Broadcasts and messages not published: dropped while Redis was unreachable, when the outgoing queue was full,
   * or lost in a failed send. Local clients got them all the same.
   */
  public synchronized long droppedPublishes() {
    return droppedBefore.get() + (resources == null ? 0 : resources.publisher().dropped());
  }

  /** Messages from other nodes dropped because a namespace's incoming queue was full. */
  public long droppedInbound() {
    return droppedInbound.get();
  }

  /** Whether Redis is reachable as far as this server knows (publisher and subscriptions). */
  public synchronized boolean redisAvailable() {
    return resources != null && resources.health().up() && resources.publisher().available();
  }

  /** Closes the connections now, even if namespaces still use them; close the server instead when you can. */
  @Override
  public synchronized void close() {
    if (resources != null) {
      droppedBefore.addAndGet(resources.publisher().dropped());
      resources.close();
      resources = null;
      users = 0;
    }
  }

  @Override
  public String toString() {
    return "RedisAdapterFactory{" + options + '}';
  }
}
