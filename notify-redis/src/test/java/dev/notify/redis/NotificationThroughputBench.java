package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationService;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.Latency;
import dev.notify.redis.testing.LeanDevice;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

/**
 * End-to-end notification throughput and latency on one machine, printed, not asserted: a socket-less sender
 * (NotificationService on a RedisEmitter) sends to 200 users, each with two acking devices with device ids
 * ({@code -Dbench.devices=1} for one), spread over two nodes (NotifyServer + RedisAdapter + NotificationService on a
 * RedisNotificationStore), all on one redis-server of its own with {@code appendonly yes}. A user's first device is on
 * one node and its second on the other. Measured over 20,000 notifications after a warm-up that lasts until the JIT
 * is done (rounds of 2,000, printed): persisted/s (send futures completed: notification and job in Redis), received/s
 * (every device got every notification addressed to it), completed/s (the delivery queue is empty: every ack marked
 * in the store, every job completed), and the latency from send to {@code notification:new} on every device and on
 * each notification's first device. It also counts redis-server's AOF rewrites during the measurement: each forks a
 * child that rewrites the whole dataset, and on a 2-core machine that child's CPU shows in the latency tail.
 * <ul>
 *   <li>{@code endToEndThroughput}: as fast as the sender's bounded backlog takes them, on two nodes, then on one
 *       node with the in-memory adapter (the store without the cluster's round trips).</li>
 *   <li>{@code latencyAtSteadyRate}: two nodes, sent at {@code -Dbench.rate} per second (2,000 by default), measured
 *       after 5 s at that rate.</li>
 * </ul>
 * Besides rates, it prints the CPU time per notification (this JVM's threads split into the devices' and the rest, and
 * redis-server's), which a shared machine's load skews far less than rates, Redis's time by command and this JVM's
 * by thread (the JVM's own threads too: the compiler's share shows whether the JIT was done). The nodes
 * serve on Tyrus ({@code NotifyStandalone}), or on Netty with {@code -Dnotify.test.container=netty}.
 * The devices are {@link LeanDevice}s (a minimal client on the JDK's WebSocket), so the figures are the servers';
 * {@code -Dbench.client=official} uses the official Java client instead, whose single event thread for every
 * socket then limits the run. The machine's load average is printed with the figures: on a shared machine they
 * are a floor.
 *
 * <p>Run: {@code mvn -o -pl notify-redis verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=NotificationThroughputBench -Dfailsafe.failIfNoSpecifiedTests=false} (after {@code mvn install
 * -DskipTests}); {@code -Dit.test='NotificationThroughputBench#latencyAtSteadyRate'} for one scenario.
 */
class NotificationThroughputBench {

  private static final int USERS = 200;
  private static final int WARMUP = 2_000;
  private static final int MEASURED = 20_000;
  private static final int MAX_PENDING_SENDS = 5_000;
  private static final int DEVICES = Integer.getInteger("bench.devices", 2);
  private static final boolean OFFICIAL_CLIENT = "official".equals(System.getProperty("bench.client", "lean"));
  private static final int RATE = Integer.getInteger("bench.rate", 2_000);
  private static final int RATE_WARMUP_SECONDS = 5;
  private static final String AOF = System.getProperty("bench.aof", "yes");

  /** What the bench reads from a device, whichever client it is. */
  private record Receiver(Set<String> ids, Supplier<List<Latency>> latencies, AutoCloseable connection) {
    static Receiver connect(String user, String device, String url) {
      if (OFFICIAL_CLIENT) {
        Device d = Device.connect(user, device, true, url);
        return new Receiver(d.ids(), d::takeLatencies, d);
      }
      LeanDevice d = LeanDevice.connect(user, device, url);
      return new Receiver(d.ids(), d::takeLatencies, d);
    }

    void close() {
      try {
        connection.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

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
    bench(layout, (sender, store, devices, cpu) -> {
      int first = warmUp(sender, store, devices, cpu, 0);
      double load = loadAverage();
      long[] before = cpu.start();
      Map<String, Long> threads = cpu.threads();
      long[] millis = run(sender, store, devices, first, MEASURED, 0);
      print(layout, "as fast as the sender's backlog takes them", load, millis, devices, cpu, before, threads);
    });
  }

  @Test
  void latencyAtSteadyRate() throws Exception {
    bench(Layout.TWO_NODES, (sender, store, devices, cpu) -> {
      int first = warmUp(sender, store, devices, cpu, 0);
      int warmup = RATE * RATE_WARMUP_SECONDS; // then the steady state of this rate: its batch sizes, its pauses
      run(sender, store, devices, first, warmup, RATE);
      devices.forEach(d -> d.latencies().get());
      double load = loadAverage();
      long[] before = cpu.start();
      Map<String, Long> threads = cpu.threads();
      long[] millis = run(sender, store, devices, first + warmup, MEASURED, RATE);
      print(Layout.TWO_NODES, "sent at " + RATE + "/s", load, millis, devices, cpu, before, threads);
    });
  }

  /**
   * Rounds of {@link #WARMUP} notifications as fast as they go until the JIT is done: the JVM's compiler threads
   * took under 5 % of the round's CPU (this JVM's and redis-server's) and the CPU per notification is within 15 % of
   * the round before (at least 3 rounds, at most 30). Before that, compilation competes with the servers for the
   * two cores and the figures measure the JIT. Returns the sequence number to go on from.
   */
  private static int warmUp(NotificationService sender, RedisNotificationStore store, List<Receiver> devices, Cpu cpu,
      int first) {
    double previous = Double.NaN;
    int rounds = 0;
    while (true) {
      long[] before = cpu.process();
      run(sender, store, devices, first, WARMUP, 0);
      long[] after = cpu.process();
      first += WARMUP;
      rounds++;
      double total = after[0] - before[0];
      double perNotification = total / WARMUP;
      boolean steady = Math.abs(perNotification - previous) <= 0.15 * previous
          && after[1] - before[1] < 0.05 * total;
      previous = perNotification;
      if (rounds >= 30 || rounds >= 3 && steady) {
        devices.forEach(d -> d.latencies().get());
        System.out.printf("warm-up: %d rounds of %d notifications, the compiler threads took %.0f %% of the last "
            + "one's CPU (%s)%n", rounds, WARMUP, 100.0 * (after[1] - before[1]) / total,
            steady ? "the JIT done" : "still compiling: the figures below include the JIT");
        return first;
      }
    }
  }

  private interface Scenario {
    void run(NotificationService sender, RedisNotificationStore store, List<Receiver> devices, Cpu cpu)
        throws Exception;
  }

  /**
   * CPU time spent, which a shared machine's load does not skew as it skews rates: this JVM's threads split into
   * the devices' (the JDK WebSocket client's) and the rest (servers, sender, bench), and the redis-server's.
   */
  private record Cpu(long redisPid, String redisUrl) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Zeroes Redis's command statistics, then {@link #now()}. */
    long[] start() {
      try (Jedis redis = new Jedis(URI.create(redisUrl))) {
        redis.configResetStat();
      }
      return now();
    }

    /** Where redis-server's time went since {@link #start()}: the commands taking most, µs per notification. */
    String commands() {
      try (Jedis redis = new Jedis(URI.create(redisUrl))) {
        List<String[]> stats = new ArrayList<>();
        for (String line : redis.info("commandstats").split("\r?\n")) {
          // cmdstat_evalsha:calls=123,usec=4567,usec_per_call=37.1,...
          if (line.startsWith("cmdstat_")) {
            String[] fields = line.substring(8).split("[:,=]");
            stats.add(new String[] {fields[0], fields[2], fields[4]});
          }
        }
        stats.sort((a, b) -> Long.compare(Long.parseLong(b[2]), Long.parseLong(a[2])));
        StringBuilder out = new StringBuilder();
        for (String[] s : stats.subList(0, Math.min(8, stats.size()))) {
          out.append(String.format(" %s %.1f µs (%.2f calls)", s[0], Long.parseLong(s[2]) / (double) MEASURED,
              Long.parseLong(s[1]) / (double) MEASURED));
        }
        return out.toString();
      }
    }

    /** {this process's and redis-server's CPU ns, this process's compiler threads' ns} so far. */
    long[] process() {
      long total = ticks(Path.of("/proc/self/stat")) + ticks(Path.of("/proc/" + redisPid + "/stat"));
      long jit = threads().entrySet().stream()
          .filter(t -> t.getKey().startsWith("C1 CompilerThre") || t.getKey().startsWith("C2 CompilerThre"))
          .mapToLong(Map.Entry::getValue).sum();
      return new long[] {total, jit};
    }

    private static String comm(Path task) {
      try {
        return Files.readString(task.resolve("comm"));
      } catch (IOException e) {
        return ""; // a thread that ended meanwhile
      }
    }

    /** utime + stime of a /proc stat file, in ns (clock ticks of 10 ms); 0 for a thread that ended meanwhile. */
    private static long ticks(Path stat) {
      try {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
      } catch (IOException e) {
        return 0;
      }
    }

    /**
     * This JVM's CPU ns so far by thread name (/proc/self/task: the JVM's own threads too, GC and compiler; a name
     * is cut to 15 characters there), numbers and ports dropped ("notify-redis-st" for every store thread); threads
     * that ended are not counted.
     */
    Map<String, Long> threads() {
      Map<String, Long> ns = new HashMap<>();
      try (var tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          String name = comm(task).strip().replaceAll("[-:#]?[0-9.:]*$", "");
          ns.merge(name, ticks(task.resolve("stat")), Long::sum);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return ns;
    }

    /** The thread groups taking most of this JVM's CPU since {@code before}, µs per notification. */
    String threadsSince(Map<String, Long> before) {
      List<Map.Entry<String, Long>> spent = new ArrayList<>();
      threads().forEach((name, ns) -> spent.add(Map.entry(name, ns - before.getOrDefault(name, 0L))));
      spent.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
      StringBuilder out = new StringBuilder();
      for (Map.Entry<String, Long> e : spent.subList(0, Math.min(14, spent.size()))) {
        out.append(String.format(" %s %.1f µs", e.getKey(), e.getValue() / 1000.0 / MEASURED));
      }
      return out.toString();
    }

    /**
     * {devices ns, rest ns, redis ns, redis's AOF rewrites, this process's ns} so far; the first two count the
     * threads alive now, the last every thread the process ran.
     */
    long[] now() {
      long devices = 0;
      long rest = 0;
      for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
        long ns = t == null ? -1 : THREADS.getThreadCpuTime(t.getThreadId());
        if (ns > 0) {
          if (t.getThreadName().startsWith("lean-device") || t.getThreadName().startsWith("HttpClient")) {
            devices += ns;
          } else {
            rest += ns;
          }
        }
      }
      return new long[] {devices, rest, ticks(Path.of("/proc/" + redisPid + "/stat")), aofRewrites(),
          ticks(Path.of("/proc/self/stat"))};
    }

    /** How many AOF rewrites redis-server started (INFO persistence, aof_rewrites: Redis 7.0 and later, else 0). */
    private long aofRewrites() {
      try (Jedis redis = new Jedis(URI.create(redisUrl))) {
        for (String line : redis.info("persistence").split("\r?\n")) {
          if (line.startsWith("aof_rewrites:")) {
            return Long.parseLong(line.substring("aof_rewrites:".length()).trim());
          }
        }
        return 0;
      }
    }
  }

  private static void bench(Layout layout, Scenario scenario) throws Exception {
    String adapterKey = RedisExtension.uniqueKey("bench-adapter");
    String prefix = RedisExtension.uniqueKey("bench");
    List<Receiver> devices = new ArrayList<>();
    try (RedisServer redis = RedisServer.start("--appendonly", AOF);
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
          devices.add(Receiver.connect("user-" + u, "device-" + d, ((u + d) % 2 == 0 ? node1 : node2).url()));
        }
      }
      scenario.run(sender, store, devices, new Cpu(redis.pid(), redis.url()));
    } finally {
      devices.forEach(Receiver::close);
    }
  }

  private static void print(Layout layout, String pace, double load, long[] millis, List<Receiver> devices, Cpu cpu,
      long[] cpuBefore, Map<String, Long> threadsBefore) {
    long[] cpuAfter = cpu.now();
    double loadAfter = loadAverage();
    List<Long> every = new ArrayList<>();
    Map<String, Long> first = new HashMap<>();
    devices.forEach(d -> d.latencies().get().forEach(l -> {
      every.add(l.millis());
      first.merge(l.id(), l.millis(), Math::min);
    }));
    System.out.printf("notification throughput (%s, %s), %d notifications to %d users (%d acking devices each, "
            + "%s client), redis-server appendonly %s, %d cores, load average %.1f before / %.1f after:%n"
            + "  persisted  %6.0f /s (%d ms)%n  received   %6.0f /s (%d ms, every device has all its ids)%n"
            + "  completed  %6.0f /s (%d ms, every ack marked delivered and every job completed)%n"
            + "  send to notification:new on every device: %s (%d deliveries)%n"
            + "  send to notification:new on the first device: %s (%d notifications)%n",
        layout, pace, MEASURED, USERS, DEVICES, OFFICIAL_CLIENT ? "official Java" : "lean", AOF,
        Runtime.getRuntime().availableProcessors(), load, loadAfter,
        MEASURED * 1000.0 / millis[0], millis[0], MEASURED * 1000.0 / millis[1], millis[1],
        MEASURED * 1000.0 / millis[2], millis[2], percentiles(every), every.size(),
        percentiles(new ArrayList<>(first.values())), first.size());
    System.out.printf("  CPU per notification: %.0f µs servers + sender (this JVM but the devices), "
            + "%.0f µs redis-server, %.0f µs devices; this JVM in all %.0f µs (threads that ended meanwhile "
            + "included)%n",
        (cpuAfter[1] - cpuBefore[1]) / 1000.0 / MEASURED, (cpuAfter[2] - cpuBefore[2]) / 1000.0 / MEASURED,
        (cpuAfter[0] - cpuBefore[0]) / 1000.0 / MEASURED, (cpuAfter[4] - cpuBefore[4]) / 1000.0 / MEASURED);
    // a rewrite forks redis-server; on a small machine the child's CPU competes with everything measured
    System.out.printf("  redis-server AOF rewrites during the measurement: %d%n", cpuAfter[3] - cpuBefore[3]);
    System.out.println("  redis-server per notification, by command:" + cpu.commands());
    System.out.println("  this JVM per notification, by thread:" + cpu.threadsSince(threadsBefore));
    assertThat(millis[2]).isPositive();
  }

  /**
   * Sends {@code count} notifications (sequence numbers from {@code first}), at {@code rate} per second or, with 0,
   * as fast as the sender's backlog takes them; returns ms to persisted, received, done.
   */
  private static long[] run(NotificationService sender, RedisNotificationStore store, List<Receiver> devices,
      int first, int count, int rate) {
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
    AtomicInteger due = new AtomicInteger();
    // polled on this thread, which lives on: the CPU of the sends it makes counts with the sender's
    ConditionFactory sending = await().atMost(Duration.ofMinutes(5)).pollInSameThread()
        .pollInterval(Duration.ofMillis(rate > 0 ? 1 : 10));
    sending.until(() -> {
      int allowed = rate > 0 ? (int) Math.min(count, (System.nanoTime() - start) / 1_000_000L * rate / 1000)
          : Integer.MAX_VALUE;
      while (outstanding.get() < MAX_PENDING_SENDS && due.get() < allowed) {
        Integer k = toSend.poll();
        if (k == null) {
          break;
        }
        due.incrementAndGet();
        outstanding.incrementAndGet();
        sender.send("user-" + (k % USERS), Notification.of("bench", "Notification " + k, "body"))
            .whenComplete((id, e) -> {
              outstanding.decrementAndGet();
              if (e == null) {
                stored.incrementAndGet();
              } else {
                due.decrementAndGet();
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

  private static String percentiles(List<Long> millis) {
    millis.sort(null);
    return String.format("p50 %d ms, p99 %d ms, max %d ms", millis.get(millis.size() / 2),
        millis.get((int) (millis.size() * 0.99)), millis.get(millis.size() - 1));
  }

  private static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }
}
