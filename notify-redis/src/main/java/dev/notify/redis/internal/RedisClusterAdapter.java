package dev.notify.redis.internal;

import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.cluster.ClusterAdapter;
import dev.notify.core.internal.LogLimiter;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterException;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisRequestTimeoutException;
import dev.notify.redis.RedisUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Redis wire formats share on top of the neutral {@link ClusterAdapter}: the connections of the factory
 * (publisher, subscriber, health), Redis's failure types, and the outage state (settled, resumed).
 */
public abstract class RedisClusterAdapter extends ClusterAdapter implements RedisAdapter {

  private static final Logger log = LoggerFactory.getLogger("dev.notify.redis");

  protected final RedisAdapterOptions options;
  protected final RedisResources resources;
  private final Runnable release;
  private final AtomicLong droppedInbound;
  private final LogLimiter limiter = new LogLimiter(10_000);
  /** What {@link #onClusterResumed} registered on the connections' health, shared with other adapters. */
  private final Map<Runnable, Health.Listener> resumeListeners = new ConcurrentHashMap<>();

  protected RedisClusterAdapter(AdapterNamespace namespace, String uid, RedisAdapterOptions options,
      RedisResources resources, Runnable release, AtomicLong droppedInbound) {
    super(namespace, uid, options.requestsTimeout(), options.inboundQueueCapacity());
    this.options = options;
    this.resources = resources;
    this.release = release;
    this.droppedInbound = droppedInbound;
    resources.addMember(member());
  }

  @Override
  public final CompletableFuture<Void> init() {
    return super.init().whenComplete((v, e) -> {
      if (e == null) {
        log.info("{}: joined the cluster through Redis {} (mode={}, key={})", member(),
            resources.connector().describe(), mode(), options.key());
      }
    });
  }

  @Override
  protected final void onClose() {
    resumeListeners.values().forEach(resources.health()::removeListener);
    resumeListeners.clear();
    resources.removeMember(member());
    release.run();
    log.info("{}: left the cluster", member());
  }

  /**
   * Settled once Redis is reachable and, after an outage, the other nodes had time to notice and resubscribe: their
   * longest reconnection delay plus one health check.
   */
  @Override
  public boolean clusterSettled() {
    return resources.publisher().available()
        && resources.health().settled(options.reconnectMaxDelay().plus(options.healthCheckInterval()));
  }

  @Override
  public void onClusterResumed(Runnable listener) {
    Health.Listener onUp = new Health.Listener() {
      @Override
      public void onDown() {
      }

      @Override
      public void onUp() {
        listener.run();
      }
    };
    if (resumeListeners.putIfAbsent(listener, onUp) == null) {
      resources.health().addListener(onUp);
    }
  }

  @Override
  public void offClusterResumed(Runnable listener) {
    Health.Listener onUp = resumeListeners.remove(listener);
    if (onUp != null) {
      resources.health().removeListener(onUp);
    }
  }

  @Override
  protected final RuntimeException closedFailure(String message) {
    return new RedisAdapterException(message);
  }

  @Override
  protected final RuntimeException notSentFailure(String message) {
    return new RedisUnavailableException(message);
  }

  @Override
  protected final RuntimeException timeoutFailure(String type, String requestId, int answered, int expected,
      Duration waited, List<Object> partial) {
    return new RedisRequestTimeoutException(type, requestId, answered, expected, waited, partial);
  }

  @Override
  protected final void inboundDropped() {
    droppedInbound.incrementAndGet();
  }

  /** Logs a message that could not be decoded (once per kind and period) and moves on. */
  protected final void malformed(String channel, MalformedMessageException e) {
    limiter.warn(log, e.kind(), member() + ": skipped a message on " + channel + " (" + e.kind() + "): "
        + e.getMessage());
  }
}
