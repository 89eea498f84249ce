package dev.notify.bench.driver;

import dev.notify.bench.load.ProcStat;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A soak: two notify nodes joined by Redis under connections that churn for a while, sampled every interval, then
 * compared with what they held before the load. Started by {@code notify-bench/soak}; see the README's
 * "Benchmarks" section.
 *
 * <pre>
 * java -Dbench.home=notify-bench -cp ... dev.notify.bench.driver.Soak [--minutes 30] [--clients 2000]
 *     [--interval 30] [--container tyrus|jetty|tomcat] [--redis redis://127.0.0.1:6379] [--rooms 20]
 * </pre>
 *
 * <p>The nodes are {@code BenchServer} processes with notify-redis's {@code RedisAdapter} on a channel prefix of
 * their own, on the Redis at {@code --redis} / {@code REDIS_URL} (default {@code redis://127.0.0.1:6379}) when it
 * answers, else on a {@code redis-server} started for the run. The clients are {@code LoadWorker}'s churning
 * clients: connect to each node in turn, join a room of that node's ({@code join} with ack), emit 3 {@code echo}
 * with ack, receive 3 broadcasts that two emitter connections on the <em>other</em> node send to the room (one per
 * room per second), disconnect (one time in five by dropping the TCP connection), pause 0.5–2.5 s, again.
 *
 * <p>Each sample runs a full GC in each server process ({@code gc} on its stdin: {@code System.gc()} three times),
 * then reads heap used, live threads, open file descriptors and VmRSS ({@code /proc/<pid>/status} and
 * {@code /proc/<pid>/fd}); the load columns are the clients' counts over the interval. The end sample is taken once
 * the load stopped, every client is gone and both servers count no session; when it is not back within the
 * tolerances it is taken again every 15 s, at most 6 times (idle pool threads time out after 30–60 s). The verdict
 * compares it with the baseline; the process exits with 1 when it fails.
 */
public final class Soak {

  /** Heap after GC at the end may exceed the baseline by this much: JIT-era caches, pools, lazily built tables. */
  static final long HEAP_TOLERANCE_BYTES = 16L * 1024 * 1024;
  /**
   * Threads: pools that start their threads on demand and keep them (the standalone server's HTTP workers,
   * max(8, 4 × cores)) or let them go after a while (notify's handler pool, max(4, 2 × cores), 60 s idle), JIT
   * compiler and GC workers. A thread per connection, or one per thousand connects, is far beyond it.
   */
  static final int THREAD_TOLERANCE = 16;
  /** File descriptors: jars opened by classes first loaded under load, selector or Redis reconnects. */
  static final int FD_TOLERANCE = 16;
  /** Load errors (failed connects, dropped connections, timed-out cycles) allowed, as a share of connects. */
  static final double ERROR_TOLERANCE = 0.01;
  private static final int SETTLE_SAMPLES = 6;
  private static final long SETTLE_PAUSE_MILLIS = 15_000;
  private static final double MB = 1024.0 * 1024.0;

  private final double minutes;
  private final int clients;
  private final int interval;
  private final String container;
  private final String redisUrl;
  private final int rooms;
  private final File home;
  private final File results;
  private final File logs;
  private final String java;
  private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  private final List<String> rows = new ArrayList<>();
  private final Path file;
  private String header = "";

  private Soak(String[] args) throws IOException {
    double m = 30;
    int c = 2000;
    int i = 30;
    String ct = "tyrus";
    String r = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    int ro = -1;
    for (int k = 0; k < args.length; k++) {
      switch (args[k]) {
        case "--minutes" -> m = Double.parseDouble(args[++k]);
        case "--clients" -> c = Integer.parseInt(args[++k]);
        case "--interval" -> i = Integer.parseInt(args[++k]);
        case "--container" -> ct = args[++k];
        case "--redis" -> r = args[++k];
        case "--rooms" -> ro = Integer.parseInt(args[++k]);
        default -> throw new IllegalArgumentException("unknown option " + args[k] + "; options: --minutes 30 "
            + "--clients 2000 --interval 30 --container tyrus|jetty|tomcat --redis URL --rooms 20");
      }
    }
    if (m <= 0 || c < 2 || i < 5) {
      throw new IllegalArgumentException("--minutes must be > 0, --clients >= 2, --interval >= 5 s; were " + m + ", "
          + c + ", " + i);
    }
    minutes = m;
    clients = c;
    interval = i;
    container = ct;
    redisUrl = r;
    // about 50 clients per room: each room gets one broadcast a second, so a client has its 3 in about 3 s
    rooms = ro > 0 ? ro : Math.max(1, clients / 2 / 50);
    home = new File(System.getProperty("bench.home", "notify-bench")).getAbsoluteFile();
    results = new File(home, "results");
    logs = new File(results, "logs-soak-" + stamp);
    Files.createDirectories(logs.toPath());
    file = results.toPath().resolve("soak-" + stamp + ".md");
    java = ProcessHandle.current().info().command().orElse("java");
  }

  public static void main(String[] args) throws Exception {
    System.exit(new Soak(args).run() ? 0 : 1);
  }

  /** One node: a {@code BenchServer} process. */
  private static final class Node implements AutoCloseable {
    final String name;
    final Proc proc;
    final int port;
    final long pid;

    Node(String name, Proc proc) {
      this.name = name;
      this.proc = proc;
      String[] ready = proc.expect("READY", 120).split(" ");
      this.port = Integer.parseInt(ready[1]);
      this.pid = Long.parseLong(ready[2]);
    }

    int sessions() {
      return Integer.parseInt(proc.request("count", "count", 30).split(" ")[1]);
    }

    @Override
    public void close() {
      proc.close();
    }
  }

  /** What one server process holds at a sample. */
  private record Resources(long heap, int threads, int fds, long rss, int sessions, Map<String, Integer> names) {
  }

  /** The clients' counts since the churn started ({@code churn-stats}). */
  private record Load(long connects, long cycles, long acks, long broadcasts, long connectFails, long drops,
      long timeouts, long up) {

    static final Load ZERO = new Load(0, 0, 0, 0, 0, 0, 0, 0);

    static Load parse(String line) {
      long[] v = Arrays.stream(line.split(" ")).skip(1).mapToLong(Long::parseLong).toArray();
      return new Load(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    long errors() {
      return connectFails + drops + timeouts;
    }
  }

  // the load worker is closed inside the try, so that the quiet phase is measured without it; the try closes it
  // again (a no-op) when a step fails
  @SuppressWarnings("try")
  private boolean run() throws IOException {
    long started = System.nanoTime();
    String loadBefore = Bench.loadAverage();
    String key = "notify-soak-" + stamp + "-" + ProcessHandle.current().pid();
    log("notify-bench soak: " + minutes + " min, " + clients + " clients, 2 nodes on " + container + "; logs in "
        + logs);
    boolean pass;
    try (LocalRedis redis = LocalRedis.answeringOrOwn(redisUrl, new File(logs, "redis.log"));
        Node a = startNode("A", redis.url, key);
        Node b = startNode("B", redis.url, key);
        Proc worker = startWorker()) {
      log("   Redis " + redis.url + (redis.own() ? " (started for this run)" : " (answering; shared)")
          + ", channel prefix " + key + "; node A port " + a.port + ", node B port " + b.port);
      header = "# notify-bench soak " + stamp + "\n\n" + Bench.machine(container)
          + "- soak: " + fmt(minutes) + " min, " + clients + " churning clients over nodes A and B (two BenchServer "
          + "processes, " + container + ", RedisAdapter classic on " + (redis.own() ? "a redis-server of the run"
          : "the Redis at " + redis.url) + ", channel prefix `" + key + "`); a client cycle: connect, join a room "
          + "(ack), 3 echo (ack), 3 broadcasts from the other node's emitters (" + rooms + " rooms per node, one "
          + "broadcast per room per second), disconnect (1 in 5 by dropping TCP), pause 0.5-2.5 s; sample every "
          + interval + " s\n"
          + "- tolerances: heap after GC +" + HEAP_TOLERANCE_BYTES / 1024 / 1024 + " MB, threads +" + THREAD_TOLERANCE
          + ", fds +" + FD_TOLERANCE + " per node; load errors <= " + fmt(ERROR_TOLERANCE * 100) + " % of connects\n";
      rows.add("| t (s) | phase | heap after GC MB (A / B) | threads (A / B) | fds (A / B) | RSS MB (A / B) "
          + "| sessions (A / B) | clients up | connects | cycles | acks | broadcasts received "
          + "| errors (connect / drop / timeout) |");
      rows.add("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

      Resources[] base = sample(a, b);
      row(0, "baseline", base, null, Load.ZERO);

      long durationMillis = (long) (minutes * 60_000);
      String nodes = "127.0.0.1:" + a.port + ",127.0.0.1:" + b.port;
      worker.request("connect emA 127.0.0.1 " + a.port + " 2 -", "connected", 60);
      worker.request("connect emB 127.0.0.1 " + b.port + " 2 -", "connected", 60);
      // the emitters on A broadcast to the rooms B's clients join (soak-1-k), and the other way round
      worker.send("cast emA " + rooms + " " + durationMillis + " soak-1- " + rooms + " 60");
      worker.send("cast emB " + rooms + " " + durationMillis + " soak-0- " + rooms + " 60");
      worker.request("churn " + clients + " " + nodes + " " + rooms + " 3 3 500 2500 20000 -", "churning", 30);
      long loadStart = System.nanoTime();
      Load previous = Load.ZERO;
      Load total = Load.ZERO;
      for (int k = 1; (long) k * interval * 1000 <= durationMillis; k++) {
        pauseUntil(loadStart + k * interval * 1_000_000_000L);
        total = Load.parse(worker.request("churn-stats", "churn ", 30));
        Resources[] now = sample(a, b);
        row((System.nanoTime() - loadStart) / 1_000_000_000L, "load", now, previous, total);
        previous = total;
      }
      pauseUntil(loadStart + durationMillis * 1_000_000L);
      String stopped = worker.request("churn-stop", "churn-stopped", 60);
      Load last = Load.parse(worker.request("churn-stats", "churn ", 30));
      log("   load stopped (" + stopped + "); " + last.cycles + " cycles, " + last.connects + " connects");
      worker.send("close");
      worker.close();
      long stopAt = System.nanoTime();
      long deadline = stopAt + 60_000_000_000L;
      int sa;
      int sb;
      while ((sa = a.sessions()) + (sb = b.sessions()) > 0 && System.nanoTime() < deadline) {
        pauseMillis(500);
      }
      log("   clients gone: sessions A " + sa + ", B " + sb + " after " + (System.nanoTime() - stopAt) / 1_000_000
          + " ms");
      Resources[] end = sample(a, b);
      long t = (System.nanoTime() - loadStart) / 1_000_000_000L;
      row(t, "end", end, previous, last);
      for (int s = 1; s <= SETTLE_SAMPLES && !within(base, end); s++) {
        pauseMillis(SETTLE_PAUSE_MILLIS);
        end = sample(a, b);
        row((System.nanoTime() - loadStart) / 1_000_000_000L, "end +" + s * SETTLE_PAUSE_MILLIS / 1000 + " s", end,
            last, last);
      }
      pass = verdict(base, end, last);
    }
    String markdown = write("- load average before / after: " + loadBefore + " / " + Bench.loadAverage() + "\n"
        + String.format(Locale.ROOT, "- run time: %.0f s%n", (System.nanoTime() - started) / 1e9));
    System.out.println();
    System.out.println(markdown);
    System.out.println("written to " + file);
    return pass;
  }

  /** Writes the results file as it stands (also after each sample, so a run that dies leaves its curve). */
  private String write(String tail) {
    String markdown = header + tail + "\n" + String.join("\n", rows) + "\n";
    try {
      Files.writeString(file, markdown);
    } catch (IOException e) {
      log("!! cannot write " + file + ": " + e);
    }
    return markdown;
  }

  private boolean within(Resources[] base, Resources[] end) {
    for (int i = 0; i < base.length; i++) {
      if (end[i].heap - base[i].heap > HEAP_TOLERANCE_BYTES || end[i].threads - base[i].threads > THREAD_TOLERANCE
          || end[i].fds - base[i].fds > FD_TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  private boolean verdict(Resources[] base, Resources[] end, Load load) {
    List<String> failures = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    String[] names = {"A", "B"};
    for (int i = 0; i < base.length; i++) {
      long heap = end[i].heap - base[i].heap;
      int threads = end[i].threads - base[i].threads;
      int fds = end[i].fds - base[i].fds;
      // the clients connect to each node in turn: half the connects went to this one
      sb.append(String.format(Locale.ROOT, "node %s: heap after GC %.1f -> %.1f MB (%+.1f MB, %+.1f B per connect to "
              + "it), threads %d -> %d (%+d: %s), fds %d -> %d (%+d), RSS %.0f -> %.0f MB; ", names[i],
          base[i].heap / MB, end[i].heap / MB, heap / MB, heap / Math.max(1, load.connects / 2.0), base[i].threads,
          end[i].threads, threads, threadChanges(base[i].names, end[i].names), base[i].fds, end[i].fds, fds,
          base[i].rss / MB, end[i].rss / MB));
      if (heap > HEAP_TOLERANCE_BYTES) {
        failures.add("node " + names[i] + " heap +" + fmt(heap / MB) + " MB");
      }
      if (threads > THREAD_TOLERANCE) {
        failures.add("node " + names[i] + " threads +" + threads);
      }
      if (fds > FD_TOLERANCE) {
        failures.add("node " + names[i] + " fds +" + fds);
      }
      if (end[i].sessions != 0) {
        failures.add("node " + names[i] + " still counts " + end[i].sessions + " sessions");
      }
    }
    sb.append(String.format(Locale.ROOT, "load: %d connects, %d cycles, %d acks, %d broadcasts received, %d errors "
        + "(%d connect, %d drop, %d timeout).", load.connects, load.cycles, load.acks, load.broadcasts, load.errors(),
        load.connectFails, load.drops, load.timeouts));
    if (load.cycles < clients) {
      failures.add("only " + load.cycles + " cycles for " + clients + " clients: the load did not run");
    }
    if (load.errors() > ERROR_TOLERANCE * Math.max(1, load.connects)) {
      failures.add(load.errors() + " load errors for " + load.connects + " connects");
    }
    boolean pass = failures.isEmpty();
    String line = "**Verdict: " + (pass ? "PASS" : "FAIL (" + String.join("; ", failures) + ")") + "**: end vs "
        + "baseline within heap +" + HEAP_TOLERANCE_BYTES / 1024 / 1024 + " MB, threads +" + THREAD_TOLERANCE
        + ", fds +" + FD_TOLERANCE + " per node. " + sb;
    rows.add("");
    rows.add(line);
    log(line);
    return pass;
  }

  // ---- samples ----

  private Resources[] sample(Node... nodes) {
    Resources[] r = new Resources[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      Node n = nodes[i];
      long heap = Long.parseLong(n.proc.request("gc", "heap", 120).split(" ")[1]);
      r[i] = new Resources(heap, threads(n.pid), fds(n.pid), ProcStat.rssBytes(n.pid), n.sessions(),
          threadNames(n.pid));
    }
    return r;
  }

  private void row(long seconds, String phase, Resources[] r, Load previous, Load total) {
    Load d = previous == null ? Load.ZERO : new Load(total.connects - previous.connects,
        total.cycles - previous.cycles, total.acks - previous.acks, total.broadcasts - previous.broadcasts,
        total.connectFails - previous.connectFails, total.drops - previous.drops, total.timeouts - previous.timeouts,
        total.up);
    String line = String.format(Locale.ROOT, "| %d | %s | %.1f / %.1f | %d / %d | %d / %d | %.0f / %.0f | %d / %d "
            + "| %d | %d | %d | %d | %d | %d (%d / %d / %d) |", seconds, phase, r[0].heap / MB, r[1].heap / MB,
        r[0].threads, r[1].threads, r[0].fds, r[1].fds, r[0].rss / MB, r[1].rss / MB, r[0].sessions, r[1].sessions,
        d.up, d.connects, d.cycles, d.acks, d.broadcasts, d.errors(), d.connectFails, d.drops, d.timeouts);
    rows.add(line);
    log(line);
    write("");
  }

  /** Live threads of a process ({@code Threads:} of {@code /proc/<pid>/status}); -1 when it is gone. */
  static int threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Integer.parseInt(line.substring(8).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  /**
   * The process's threads by name ({@code /proc/<pid>/task/<tid>/comm}: the JVM names native threads after Java's,
   * cut to 15 characters), digits dropped so that a pool's threads count under one name.
   */
  static Map<String, Integer> threadNames(long pid) {
    Map<String, Integer> names = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      tasks.forEach(task -> {
        try {
          String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
          names.merge(name, 1, Integer::sum);
        } catch (IOException e) {
          // the thread ended
        }
      });
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return names;
  }

  /** "name +n" for each thread name whose count changed from {@code before} to {@code after}. */
  static String threadChanges(Map<String, Integer> before, Map<String, Integer> after) {
    Map<String, Integer> all = new TreeMap<>(before);
    after.keySet().forEach(name -> all.putIfAbsent(name, 0));
    StringBuilder sb = new StringBuilder();
    for (String name : all.keySet()) {
      int d = after.getOrDefault(name, 0) - before.getOrDefault(name, 0);
      if (d != 0) {
        sb.append(sb.length() == 0 ? "" : ", ").append('`').append(name).append("` ").append(d > 0 ? "+" : "")
            .append(d);
      }
    }
    return sb.length() == 0 ? "none" : sb.toString();
  }

  /** Open file descriptors of a process (entries of {@code /proc/<pid>/fd}); -1 when it is gone. */
  static int fds(long pid) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int) fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  // ---- processes ----

  private Node startNode(String name, String redis, String key) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    String opts = System.getenv().getOrDefault("BENCH_SERVER_OPTS", "-Xmx2g");
    if (!opts.isBlank()) {
      cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", Bench.serverClasspath(home, container), "dev.notify.bench.server.BenchServer",
        "--container", container, "--redis", redis, "--redis-key", key));
    String proc = "notify-soak-" + name;
    return new Node(name, new Proc(proc, cmd, home, new File(logs, proc + ".log")));
  }

  private Proc startWorker() throws IOException {
    String target = new File(home, "target").getPath();
    return new Proc("gen-soak", List.of(java, "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-cp",
        target + "/notify-bench.jar:" + target + "/lib/*", "dev.notify.bench.load.LoadWorker", "0"), home,
        new File(logs, "gen-soak.log"));
  }

  // ---- helpers ----

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static void pauseUntil(long nanoTime) {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      pauseMillis(left / 1_000_000);
    }
  }

  private static void pauseMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void log(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
