package dev.notify.redis.internal;

import dev.notify.core.internal.LogLimiter;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.redis.RedisUnavailableException;
import dev.notify.redis.internal.RedisConnector.Outgoing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sends what the nodes publish, in order, on one thread: callers only hand over encoded bytes to a bounded queue
 * and return, so an emit never waits for Redis, not even for a connect timeout. The thread takes what has queued
 * up and writes it as one pipelined batch per server (one message when traffic is light); it reads the replies
 * when the next batch or query comes, or after {@value #SETTLE_AFTER_MILLIS} ms idle ({@link PublishPipe}), so a
 * message costs it one wake-up, not two.
 *
 * <p>While Redis is unreachable (this thread failed to send, or a subscription lost Redis), and when the queue is
 * full, messages are dropped and counted ({@link #dropped()}), and queries fail at once with
 * {@link RedisUnavailableException}: memory stays bounded and nothing waits. Meanwhile the thread probes Redis with
 * capped exponential backoff and takes messages again when it answers.
 *
 * <p>Thread-safe. Query futures complete on the publisher thread: continuations must be short and non-blocking.
 */
public final class Publisher implements AutoCloseable, Health.Listener {

  private static final Logger log = LoggerFactory.getLogger(Publisher.class);
  private static final int MAX_BATCH = 512;
  /** How long replies may wait to be read while nothing else is published. */
  private static final long SETTLE_AFTER_MILLIS = 20;

  private final RedisConnector connector;
  private final PublishPipe pipe;
  private final BlockingQueue<Object> queue;
  private final Health health;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread thread;
  private final LogLimiter limiter = new LogLimiter(10_000);
  /** Shared queries not yet started, by key: a caller may still join them. */
  private final Map<String, Query<?>> waitingShared = new ConcurrentHashMap<>();
  private volatile boolean available = true;
  private volatile NotifyMetrics metrics = NotifyMetrics.NONE;

  public Publisher(RedisConnector connector, int capacity, Health health, Duration minDelay, Duration maxDelay,
      String threadName) {
    this.connector = connector;
    this.pipe = new PublishPipe(connector);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.health = health;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    health.addListener(this);
    this.thread = Threads.newThread(connector.options(), threadName, this::run);
    thread.start();
  }

  /** Where publish latencies are reported: the server's metrics, once an adapter of it uses this publisher. */
  public void metrics(NotifyMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Queues a message; never blocks.
   *
   * @return {@code false} when it was dropped (Redis unreachable, or the queue full), and counted
   */
  public boolean publish(byte[] channel, byte[] payload, boolean shard) {
    if (available && queue.offer(new Outgoing(channel, payload, shard, System.nanoTime()))) {
      return true;
    }
    dropped.incrementAndGet();
    return false;
  }

  /**
   * Runs {@code command} on the publisher thread, after what was queued before it.
   *
   * @return its result, or a failed future ({@link RedisUnavailableException}) at once when Redis is unreachable or
   *     the queue is full, or later when the command fails
   */
  public <T> CompletableFuture<T> query(String what, Function<RedisConnector, T> command) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (!available) {
      future.completeExceptionally(new RedisUnavailableException(what + ": Redis is unreachable"));
    } else if (!queue.offer(new Query<>(what, command, future))) {
      future.completeExceptionally(new RedisUnavailableException(what + ": the outgoing queue is full"));
    }
    return future;
  }

  /**
   * As {@link #query}, for a read that many callers ask at once (the server count before each request): callers
   * asking with the same {@code key} while its query still waits in the queue share it, so one round trip answers
   * them all and each still gets an answer read after its call. Continuations of the shared future run one after
   * the other on the publisher thread.
   */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> sharedQuery(String key, Function<RedisConnector, T> command) {
    if (!available) {
      return CompletableFuture.failedFuture(new RedisUnavailableException(key + ": Redis is unreachable"));
    }
    Query<?>[] created = new Query<?>[1];
    Query<?> q = waitingShared.computeIfAbsent(key,
        k -> created[0] = new Query<>(k, command, new CompletableFuture<>()));
    if (q == created[0] && !queue.offer(q)) {
      waitingShared.remove(key, q);
      q.future.completeExceptionally(new RedisUnavailableException(key + ": the outgoing queue is full"));
    }
    return (CompletableFuture<T>) q.future;
  }

  /** Whether messages are being taken (Redis reachable as far as this node knows). */
  public boolean available() {
    return available;
  }

  /** Messages dropped since start: queue full, Redis unreachable, or lost in a failed send. */
  public long dropped() {
    return dropped.get();
  }

  /** Messages Redis refused with an error reply (a wrong mode for this server, for example). */
  public long refused() {
    return refused.get();
  }

  @Override
  public void onDown() {
    // another part (a subscription) lost Redis: stop taking messages now rather than after a failed send
    available = false;
  }

  private void run() {
    Backoff backoff = new Backoff(minDelay, maxDelay);
    List<Object> batch = new ArrayList<>(MAX_BATCH);
    List<Outgoing> run = new ArrayList<>(MAX_BATCH);
    while (closing.getCount() > 0) {
      if (!available) {
        // nothing waits for Redis: what is queued is dropped, queries fail; the connection is suspect (a subscription
        // may have seen Redis go first) and is opened anew once Redis answers
        abandonPipe();
        List<Object> queued = new ArrayList<>();
        queue.drainTo(queued);
        dropAll(queued, new ArrayList<>(), new RedisUnavailableException("Redis is unreachable"));
        if (!recover(backoff)) {
          continue;
        }
      }
      try {
        Object first = queue.poll(pipe.unsettled() ? SETTLE_AFTER_MILLIS : 200, TimeUnit.MILLISECONDS);
        if (first == null) {
          settle();
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        process(batch, run);
      } catch (InterruptedException e) {
        break;
      } catch (JedisConnectionException e) {
        lost(e, batch, run);
      } catch (JedisException e) {
        if (isConnectionFailure(e)) {
          lost(e, batch, run);
        } else {
          limiter.warn(log, "publish-error", "Redis " + connector.describe() + " refused a publish: " + e.getMessage());
          abandonPipe();
          dropAll(batch, run, e);
        }
      } catch (RuntimeException e) {
        log.error("publisher to Redis {}: unexpected failure, dropped {} messages", connector.describe(),
            batch.size() + pipe.unread(), e);
        abandonPipe();
        dropAll(batch, run, e);
      } finally {
        batch.clear();
        run.clear();
      }
    }
    // what was written is Redis's to publish: its replies are not waited for
    pipe.close();
    List<Object> rest = new ArrayList<>();
    queue.drainTo(rest);
    dropAll(rest, new ArrayList<>(), new RedisUnavailableException("closed"));
  }

  /** Sends runs of messages between the queries; what was sent or run is cleared from {@code batch}. */
  private void process(List<Object> batch, List<Outgoing> run) {
    int runStart = 0;
    for (int i = 0; i < batch.size(); i++) {
      Object item = batch.get(i);
      if (item instanceof Outgoing o) {
        run.add(o);
        continue;
      }
      flush(run, batch, runStart);
      // the query's answer must come after the publishes queued before it took effect
      settle();
      Query<?> q = (Query<?>) item;
      batch.set(i, null);
      runStart = i + 1;
      waitingShared.remove(q.what, q);
      q.execute(connector);
    }
    flush(run, batch, runStart);
  }

  private void flush(List<Outgoing> run, List<Object> batch, int runStart) {
    if (run.isEmpty()) {
      return;
    }
    settle();
    pipe.send(run);
    NotifyMetrics m = metrics;
    if (m != NotifyMetrics.NONE) {
      long now = System.nanoTime();
      for (Outgoing o : run) {
        m.clusterPublished(now - o.queuedAt());
      }
    }
    for (int j = runStart; j < runStart + run.size(); j++) {
      batch.set(j, null);
    }
    run.clear();
  }

  /** Reads the replies of what was written; counts and logs the refusals. */
  private void settle() {
    int n = pipe.settle();
    if (n > 0) {
      refused.addAndGet(n);
      limiter.warn(log, "publish-refused", "Redis " + connector.describe() + " refused " + n
          + " publishes (is the mode right for this server? SHARDED needs Redis 7)");
    }
  }

  /** Closes the publishing connection after a failure; messages whose replies were not read count as dropped. */
  private void abandonPipe() {
    dropped.addAndGet(pipe.unread());
    pipe.reset();
  }

  private void lost(JedisException e, List<Object> batch, List<Outgoing> run) {
    available = false;
    abandonPipe();
    health.down(this, e);
    dropAll(batch, run, e);
    List<Object> queued = new ArrayList<>();
    queue.drainTo(queued);
    dropAll(queued, new ArrayList<>(), e);
  }

  private void dropAll(List<Object> batch, List<Outgoing> run, Exception cause) {
    long n = 0;
    for (Object item : batch) {
      if (item instanceof Outgoing) {
        n++;
      } else if (item instanceof Query<?> q) {
        waitingShared.remove(q.what, q);
        q.future.completeExceptionally(new RedisUnavailableException(q.what + ": " + Health.describe(cause)));
      }
    }
    dropped.addAndGet(n);
  }

  /** Waits, probes Redis; {@code true} once it answers. */
  private boolean recover(Backoff backoff) {
    try {
      if (closing.await(backoff.nextNanos(), TimeUnit.NANOSECONDS)) {
        return false;
      }
      connector.probe();
      backoff.reset();
      available = true;
      health.up(this);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      health.down(this, e);
      return false;
    }
  }

  static boolean isConnectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JedisConnectionException || t instanceof java.io.IOException) {
        return true;
      }
      if (t instanceof JedisException && t.getMessage() != null
          && (t.getMessage().contains("Could not get a resource") || t.getMessage().contains("No reachable node")
          || t.getMessage().contains("connector closed"))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closing.countDown();
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Query<T> {
    final String what;
    final Function<RedisConnector, T> command;
    final CompletableFuture<T> future;

    Query(String what, Function<RedisConnector, T> command, CompletableFuture<T> future) {
      this.what = what;
      this.command = command;
      this.future = future;
    }

    void execute(RedisConnector connector) {
      T result;
      try {
        result = command.apply(connector);
      } catch (RuntimeException e) {
        future.completeExceptionally(new RedisUnavailableException(what + ": " + Health.describe(e)));
        throw e;
      }
      future.complete(result);
    }
  }
}
