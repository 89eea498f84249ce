package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationService;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End-to-end notification throughput on one machine, printed, not asserted: a socket-less sender (NotificationService
 * on a RedisEmitter) sends as fast as its bounded backlog takes them to 200 users, each with two devices (real
 * Socket.IO clients that ack, with device ids; {@code -Dbench.devices=1} for one), spread over two nodes (NotifyServer + RedisAdapter + NotificationService on a
 * RedisNotificationStore), all on one redis-server of its own with {@code appendonly yes}; then the same on one node
 * with the in-memory adapter (the store without the cluster's round trips). Measured over 20,000
 * notifications after 2,000 of warm-up: persisted/s (send futures completed: notification and job in Redis),
 * received/s (every device got every notification addressed to it, acked at once), and completed/s (the delivery
 * queue is empty: every ack marked in the store, every job completed). With two nodes, a user's first device is on
 * one and its second on the other. The machine's load average is printed with
 * the figures: on a shared machine they are a floor.
 *
 * <p>Run: {@code mvn -o -pl notify-redis -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=NotificationThroughputBench -Dfailsafe.failIfNoSpecifiedTests=false}
 */
class NotificationThroughputBench {

  private static final int USERS = 200;
  private static final int WARMUP = 2_000;
  private static final int MEASURED = 20_000;
  private static final int MAX_PENDING_SENDS = 5_000;
  private static final int DEVICES = Integer.getInteger("bench.devices", 2);

  /** Where the devices are. */
  enum Layout {
    /** Two nodes clustered by the RedisAdapter; each device on one of them. */
    TWO_NODES,
    /** One node, in-memory adapter: no cluster round trips, the Redis store alone. */
    ONE_NODE
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void endToEndThroughput(Layout layout) throws Exception {
    String adapterKey = RedisExtension.uniqueKey("bench-adapter");
    String prefix = RedisExtension.uniqueKey("bench");
    List<Device> devices = new ArrayList<>();
    try (RedisServer redis = RedisServer.start("--appendonly", "yes");
        NotificationNode node1 = NotificationNode.start(redis.url(), layout == Layout.TWO_NODES ? adapterKey : null,
            prefix, b -> b);
        NotificationNode node2 = layout == Layout.TWO_NODES
            ? NotificationNode.start(redis.url(), adapterKey, prefix, b -> b) : node1;
        RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(redis.url()).key(adapterKey)
            .build());
        RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
            .url(redis.url()).keyPrefix(prefix).build());
        NotificationService sender = NotificationService.builder().emitter(emitter).store(store)
            .maxPendingSends(MAX_PENDING_SENDS).build()) {
      for (int u = 0; u < USERS; u++) {
        for (int d = 0; d < DEVICES; d++) {
          devices.add(Device.connect("user-" + u, "device-" + d, true, ((u + d) % 2 == 0 ? node1 : node2).url()));
        }
      }

      run(sender, store, devices, 0, WARMUP);
      devices.forEach(Device::takeLatencies);
      double load = loadAverage();
      long[] millis = run(sender, store, devices, WARMUP, MEASURED);
      double loadAfter = loadAverage();
      List<Long> latencies = new ArrayList<>();
      devices.forEach(d -> latencies.addAll(d.takeLatencies()));
      latencies.sort(null);

      System.out.printf("notification throughput (%s), %d notifications to %d users (%d acking devices each), "
              + "redis-server appendonly yes, %d cores, load average %.1f before / %.1f after:%n"
              + "  persisted  %6.0f /s (%d ms)%n  received   %6.0f /s (%d ms, every device has all its ids)%n"
              + "  completed  %6.0f /s (%d ms, every ack marked delivered and every job completed)%n"
              + "  send to notification:new on the device: p50 %d ms, p99 %d ms, max %d ms (%d deliveries)%n",
          layout, MEASURED, USERS, DEVICES, Runtime.getRuntime().availableProcessors(), load, loadAfter,
          MEASURED * 1000.0 / millis[0], millis[0], MEASURED * 1000.0 / millis[1], millis[1],
          MEASURED * 1000.0 / millis[2], millis[2], latencies.get(latencies.size() / 2),
          latencies.get((int) (latencies.size() * 0.99)), latencies.get(latencies.size() - 1), latencies.size());
      assertThat(millis[2]).isPositive();
    } finally {
      devices.forEach(Device::close);
    }
  }

  /** Sends {@code count} notifications (sequence numbers from {@code first}); returns ms to persisted, received, done. */
  private static long[] run(NotificationService sender, RedisNotificationStore store, List<Device> devices, int first,
      int count) {
    AtomicInteger stored = new AtomicInteger();
    AtomicInteger outstanding = new AtomicInteger();
    Queue<Integer> toSend = new ConcurrentLinkedQueue<>();
    for (int k = first; k < first + count; k++) {
      toSend.add(k);
    }
    int[] expected = new int[devices.size()];
    for (int k = first; k < first + count; k++) {
      for (int d = 0; d < DEVICES; d++) {
        expected[(k % USERS) * DEVICES + d]++;
      }
    }
    int[] before = new int[devices.size()];
    for (int u = 0; u < devices.size(); u++) {
      before[u] = devices.get(u).ids().size();
    }
    long start = System.nanoTime();
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
      while (outstanding.get() < MAX_PENDING_SENDS) {
        Integer k = toSend.poll();
        if (k == null) {
          break;
        }
        outstanding.incrementAndGet();
        sender.send("user-" + (k % USERS), Notification.of("bench", "Notification " + k, "body"))
            .whenComplete((id, e) -> {
              outstanding.decrementAndGet();
              if (e == null) {
                stored.incrementAndGet();
              } else {
                toSend.add(k);
              }
            });
      }
      return stored.get() == count;
    });
    long persisted = (System.nanoTime() - start) / 1_000_000;
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
      for (int u = 0; u < devices.size(); u++) {
        if (devices.get(u).ids().size() < before[u] + expected[u]) {
          return false;
        }
      }
      return true;
    });
    long received = (System.nanoTime() - start) / 1_000_000;
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(10))
        .until(() -> store.exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);
    long done = (System.nanoTime() - start) / 1_000_000;
    return new long[] {persisted, received, done};
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }
}
