package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationException;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Bursts of 100,000 notifications, to one offline user and to 10,000 offline users, from a socket-less sender (a
 * NotificationService on a RedisEmitter, at most 20,000 sends waiting to be stored) while one node drains the
 * delivery queue; each burst starts with Redis refusing writes for 5 s ({@code CLIENT PAUSE 5000 WRITE}). The
 * caller is never blocked: every send() returns at once (timed; a call waiting for Redis would take up to the
 * pause), and sends past the bound fail at once with a NotificationException, which this caller sends again once
 * its outstanding sends went down. Memory stays bounded: the heap grows by the bounded backlog only, and the
 * inbox keeps maxPerUser (1,000) of the 100,000. queueDepth() shows the backlog and drains to 0. Runs on a Redis of
 * its own.
 */
class NotificationBackpressureIT {

  private static final int TOTAL = 100_000;
  private static final int MAX_PENDING_SENDS = 20_000;
  private static final int PAUSE_MILLIS = 5_000;

  private RedisServer redis;
  private String prefix;
  private NotificationNode node;
  private RedisEmitter emitter;
  private RedisNotificationStore store;
  private NotificationService sender;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    prefix = RedisExtension.uniqueKey("burst");
    String adapterKey = RedisExtension.uniqueKey("burst-adapter");
    node = NotificationNode.start(redis.url(), adapterKey, prefix, b -> b);
    emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(redis.url()).key(adapterKey).build());
    store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder().url(redis.url()).keyPrefix(prefix)
        .build());
    sender = NotificationService.builder().emitter(emitter).store(store).maxPendingSends(MAX_PENDING_SENDS).build();
  }

  @AfterEach
  void stop() {
    sender.close();
    store.close();
    emitter.close();
    node.close();
    redis.kill();
  }

  @Test
  void aBurstToOneOfflineUserNeitherBlocksTheCallerNorGrowsMemoryAndTheBacklogDrains() throws Exception {
    Result r = burst("one user", i -> "offline-user");

    assertThat(zcard("{" + prefix + ":u:offline-user}:ids")).as("inbox retention: maxPerUser").isEqualTo(1000);
    assertThat(sender.unreadCount("offline-user").get(5, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(r.redisMemoryBytes).as("Redis memory, bytes").isLessThan(200L << 20);
  }

  @Test
  void aBurstToTenThousandOfflineUsersNeitherBlocksTheCallerNorGrowsMemoryAndTheBacklogDrains() throws Exception {
    burst("10,000 users", i -> "user-" + (i % 10_000));

    for (int u = 0; u < 10_000; u += 997) {
      assertThat(sender.unreadCount("user-" + u).get(5, TimeUnit.SECONDS)).as("user-%d", u).isEqualTo(10);
    }
  }

  private record Result(long redisMemoryBytes) {
  }

  /** Sends TOTAL notifications as fast as the caller can, checks the caller, memory and the queue. */
  private Result burst(String what, IntFunction<String> userOf) throws Exception {
    long heapBefore = usedHeapAfterGc();
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger stored = new AtomicInteger();
    AtomicInteger failedLater = new AtomicInteger();
    AtomicReference<Throwable> fastFailure = new AtomicReference<>();
    Deque<Integer> again = new ConcurrentLinkedDeque<>();
    long[] callNanos = new long[TOTAL];
    int calls = 0;
    int rejected = 0;

    pauseRedisWrites();
    long start = System.nanoTime();
    for (int i = 0; i < TOTAL; i++) {
      long t0 = System.nanoTime();
      CompletableFuture<NotificationId> f = send(userOf.apply(i), i, outstanding, stored, failedLater, again);
      callNanos[calls++] = System.nanoTime() - t0;
      if (f.isCompletedExceptionally()) {
        rejected++;
        again.add(i);
        f.exceptionally(e -> {
          fastFailure.compareAndSet(null, e);
          return null;
        });
      }
    }
    long loopMillis = (System.nanoTime() - start) / 1_000_000;
    long peakDepth = sender.queueDepth();
    long heapAtPeak = usedHeapAfterGc();

    // this caller's own backoff: send the refused ones again as its outstanding sends go down
    AtomicInteger resent = new AtomicInteger();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
      for (int n = outstanding.get(); n < MAX_PENDING_SENDS / 2 && !again.isEmpty(); n++) {
        int i = again.poll();
        resent.incrementAndGet();
        if (send(userOf.apply(i), i, outstanding, stored, failedLater, again).isCompletedExceptionally()) {
          again.add(i);
          break;
        }
      }
      return stored.get() == TOTAL;
    });
    long storedMillis = (System.nanoTime() - start) / 1_000_000;
    long redisMemory = redisUsedMemory();
    await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
        .until(() -> sender.queueDepth() == 0 && store.exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);
    long drainedMillis = (System.nanoTime() - start) / 1_000_000;

    long[] sorted = Arrays.copyOf(callNanos, calls);
    Arrays.sort(sorted);
    long p50 = sorted[calls / 2] / 1_000;
    long p99 = sorted[(int) (calls * 0.99)] / 1_000;
    long max = sorted[calls - 1] / 1_000;
    System.out.printf("burst to %s: %d send() calls in %d ms with Redis writes paused for the first %d ms: "
            + "send() p50 %d us, p99 %d us, max %d us on the calling thread; %d refused at once (backlog full: %s), "
            + "%d sent again later; queueDepth %d right after the loop; heap +%d MB at the peak (after GC); all "
            + "stored after %d ms (%d failed after acceptance and were sent again), Redis used_memory %d MB; queue "
            + "drained after %d ms%n",
        what, TOTAL, loopMillis, PAUSE_MILLIS, p50, p99, max, rejected,
        fastFailure.get() == null ? "-" : fastFailure.get().getClass().getSimpleName(), resent.get(), peakDepth,
        (heapAtPeak - heapBefore) >> 20, storedMillis, failedLater.get(), redisMemory >> 20, drainedMillis);

    assertThat(max).as("slowest send() on the calling thread, us (Redis paused %d ms)", PAUSE_MILLIS)
        .isLessThan(1_000_000);
    assertThat(rejected).as("sends past maxPendingSends fail at once").isPositive();
    assertThat(fastFailure.get()).isInstanceOf(NotificationException.class).hasMessageContaining("backlog full");
    assertThat(peakDepth).as("queueDepth shows the backlog").isGreaterThanOrEqualTo(MAX_PENDING_SENDS);
    assertThat(heapAtPeak - heapBefore).as("heap growth at the peak, bytes").isLessThan(256L << 20);
    return new Result(redisMemory);
  }

  private CompletableFuture<NotificationId> send(String user, int i, AtomicInteger outstanding,
      AtomicInteger stored, AtomicInteger failedLater, Deque<Integer> again) {
    CompletableFuture<NotificationId> f = sender.send(user, Notification.of("burst", "Burst " + i, "message " + i));
    if (!f.isDone()) {
      outstanding.incrementAndGet();
      f.whenComplete((id, e) -> {
        outstanding.decrementAndGet();
        if (e == null) {
          stored.incrementAndGet();
        } else {
          failedLater.incrementAndGet();
          again.add(i);
        }
      });
    } else if (!f.isCompletedExceptionally()) {
      stored.incrementAndGet();
    }
    return f;
  }

  private void pauseRedisWrites() {
    try (Connection c = connection()) {
      c.sendCommand(Protocol.Command.CLIENT, "PAUSE", Integer.toString(PAUSE_MILLIS), "WRITE");
      assertThat(c.getStatusCodeReply()).isEqualTo("OK");
    }
  }

  private long zcard(String key) {
    try (Connection c = connection()) {
      c.sendCommand(Protocol.Command.ZCARD, key);
      return c.getIntegerReply();
    }
  }

  private long redisUsedMemory() {
    try (Connection c = connection()) {
      c.sendCommand(Protocol.Command.INFO, "memory");
      for (String line : c.getBulkReply().split("\r\n")) {
        if (line.startsWith("used_memory:")) {
          return Long.parseLong(line.substring("used_memory:".length()));
        }
      }
    }
    return -1;
  }

  private Connection connection() {
    return new Connection(new HostAndPort("127.0.0.1", redis.port()));
  }

  private static long usedHeapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
