package dev.notify.bench.driver;

import dev.notify.bench.load.Histogram;
import dev.notify.bench.load.ProcStat;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Runs the load scenarios against notify and Node socket.io in one run, with the same load generator, and writes
 * a machine-stamped markdown table to {@code notify-bench/results/}. Started by {@code notify-bench/run}; see the
 * README's "Benchmarks" section.
 *
 * <pre>
 * java -Dbench.home=notify-bench -cp ... dev.notify.bench.driver.Bench [--quick]
 *     [--only idle,fanout,echo,cluster,idle-deflate]
 *     [--container tyrus|jetty|tomcat|netty] [--targets notify,socket.io] [--jfr] [--redis redis://127.0.0.1:6379]
 * </pre>
 *
 * Each scenario starts a fresh server process and fresh generator processes, so no scenario inherits another's
 * heap. Server CPU comes from {@code /proc/<pid>/stat}, memory from {@code /proc/<pid>/status} (VmRSS) and from
 * the server itself after a full GC ({@code gc} command).
 */
public final class Bench {

  private static final double KB = 1024.0;

  private final boolean quick;
  private final Set<String> only;
  private final String container;
  private final boolean containerGiven;
  private final List<String> targets;
  private final boolean jfr;
  private final int[] idleCounts;
  private final int idleHold;
  private final int fanRoom;
  private final int fanRate;
  private final String redisUrl;
  private final File home;
  private final File results;
  private final File logs;
  private final String classpath;
  private final String java;
  private final Table table = new Table();
  private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

  private Bench(String[] args) throws IOException {
    boolean q = false;
    Set<String> o = new LinkedHashSet<>(List.of("idle", "fanout", "echo", "cluster"));
    String c = null;
    List<String> t = List.of(Table.NOTIFY, Table.SOCKETIO);
    boolean j = false;
    int[] ic = null;
    int ih = -1;
    int fr = -1;
    int fra = -1;
    String r = System.getenv("REDIS_URL");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> q = true;
        case "--only" -> o = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        case "--container" -> c = args[++i];
        case "--targets" -> t = Arrays.asList(args[++i].split(","));
        case "--jfr" -> j = true;
        case "--idle" -> ic = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--hold" -> ih = Integer.parseInt(args[++i]);
        case "--room" -> fr = Integer.parseInt(args[++i]);
        case "--rate" -> fra = Integer.parseInt(args[++i]);
        case "--redis" -> r = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --quick --only idle,fanout,echo,cluster,idle-deflate --container tyrus|jetty|tomcat|netty "
            + "--targets notify,socket.io --jfr --redis URL --idle 5000,10000,19000 --hold 30 --room 10000 --rate 5");
      }
    }
    quick = q;
    only = o;
    containerGiven = c != null;
    container = c != null ? c : "tyrus";
    targets = t;
    jfr = j;
    idleCounts = ic;
    idleHold = ih;
    fanRoom = fr;
    fanRate = fra;
    redisUrl = r;
    home = new File(System.getProperty("bench.home", "notify-bench")).getAbsoluteFile();
    results = new File(home, "results");
    logs = new File(results, "logs-" + stamp);
    Files.createDirectories(logs.toPath());
    String target = new File(home, "target").getPath();
    classpath = target + "/notify-bench.jar:" + target + "/lib/*";
    java = ProcessHandle.current().info().command().orElse("java");
  }

  public static void main(String[] args) throws Exception {
    new Bench(args).run();
  }

  private void run() throws IOException {
    long started = System.nanoTime();
    String loadBefore = loadAverage();
    log("notify-bench: " + (quick ? "quick" : "full") + " run of " + only + " against " + targets + ", notify on "
        + container + "; logs in " + logs);
    for (String scenario : only) {
      for (String target : targets) {
        log("== " + scenario + " / " + target);
        try {
          switch (scenario) {
            case "idle" -> idle(target);
            case "fanout" -> fanout(target);
            case "echo" -> echo(target);
            case "cluster" -> cluster(target);
            case "idle-deflate" -> idleDeflate(target);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
          }
        } catch (RuntimeException | IOException e) {
          log("!! " + scenario + " / " + target + " failed: " + e);
          table.note(scenario + " / " + target + " failed: " + e.getMessage());
        }
      }
    }
    if (!deflateRows.isEmpty()) {
      table.section(deflateSection());
    }
    String header = "# notify-bench " + (quick ? "(quick) " : "") + stamp + "\n\n" + machine(container)
        + "- load average before / after: " + loadBefore + " / " + loadAverage() + "\n"
        + String.format(Locale.ROOT, "- run time: %.0f s%n", (System.nanoTime() - started) / 1e9);
    String markdown = table.markdown(header);
    Path file = results.toPath().resolve("bench-" + stamp + (quick ? "-quick" : "") + ".md");
    Files.writeString(file, markdown);
    System.out.println();
    System.out.println(markdown);
    System.out.println("written to " + file);
  }

  // ---- scenarios ----

  /** N connections held with the default heartbeat: memory per connection and connect rate. */
  private void idle(String target) throws IOException {
    int[] counts = idleCounts != null ? idleCounts : quick ? new int[] {1000} : new int[] {5000, 10000, 19000};
    int hold = idleHold >= 0 ? idleHold : quick ? 5 : 30;
    int warm = 100;
    String sc = "idle";
    if (target.equals(Table.NOTIFY)) {
      idleInMemory(counts[counts.length - 1], warm);
    }
    try (Server server = startServer(target, "idle"); Workers workers = startWorkers(counts[counts.length - 1] > 10000
        ? 3 : 2, target + "-idle")) {
      workers.connect("w", server.port, warm, "room=idle");
      pause(2);
      long heap0 = server.heapAfterGc();
      long rss0 = ProcStat.rssBytes(server.pid);
      Map<String, long[]> histo0 = target.equals(Table.NOTIFY) ? classHistogram(server.pid) : Map.of();
      int current = warm;
      for (int n : counts) {
        int add = n - current;
        Connected c = workers.connect("c" + n, server.port, add, "room=idle");
        current = n;
        log(String.format(Locale.ROOT, "   %d connected (%d failed) in %d ms; holding %d s", c.ok, c.failed, c.millis,
            hold));
        if (jfr && target.equals(Table.NOTIFY)) {
          // a recording of the hold alone: what an idle server spends its CPU on
          command("jcmd", String.valueOf(server.pid), "JFR.start", "name=hold" + n, "settings=profile",
              "duration=" + hold + "s", "filename=" + new File(logs, "notify-idle-hold-" + n + ".jfr"));
        }
        long holdCpu0 = ProcStat.cpuNanos(server.pid);
        pause(hold);
        double holdCpu = (ProcStat.cpuNanos(server.pid) - holdCpu0) / 1e9 / hold;
        int open = server.count();
        long heap = server.heapAfterGc();
        long rss = ProcStat.rssBytes(server.pid);
        int perConn = Math.max(1, open - warm);
        String label = "idle " + n / 1000 + "k";
        table.put(label, "connections open after " + hold + " s", target, open, "%.0f");
        table.put(label, "connect rate (conn/s)", target, c.ok * 1000.0 / Math.max(1, c.millis), "%.0f");
        table.put(label, "heap after GC per connection (KB)", target, (heap - heap0) / KB / perConn, "%.2f");
        table.put(label, "RSS per connection (KB)", target, (rss - rss0) / KB / perConn, "%.2f");
        table.put(label, "server CPU while holding (% of a core)", target, holdCpu * 100, "%.1f");
        log(String.format(Locale.ROOT, "   %d open: heap %.1f MB (+%.2f KB/conn), RSS %.1f MB (+%.2f KB/conn), CPU while "
                + "holding %.1f %% of a core", open, heap / KB / KB, (heap - heap0) / KB / perConn, rss / KB / KB,
            (rss - rss0) / KB / perConn, holdCpu * 100));
        if (target.equals(Table.NOTIFY) && n == counts[counts.length - 1]) {
          table.section(histogramSection("Class histogram: notify on " + container + ", " + open
              + " idle connections, per connection (after - before) / " + perConn, histo0,
              classHistogram(server.pid), perConn));
        }
      }
    }
  }

  private record DeflateRow(String server, boolean on, int count, int open, int ok, int negotiated, double connectRate,
      double heapPerConn, double rssPerConn, double holdCpu) {
  }

  private final List<DeflateRow> deflateRows = new ArrayList<>();

  /**
   * Idle connections whose upgrade offers permessage-deflate as browsers' do, each server with its
   * perMessageDeflate option off, then on: memory per connection, and how many upgrades the server accepted the
   * extension on. notify runs on each container (or the one of {@code --container}).
   */
  private void idleDeflate(String target) throws IOException {
    int n = idleCounts != null ? idleCounts[idleCounts.length - 1] : quick ? 1000 : 5000;
    int hold = idleHold >= 0 ? idleHold : quick ? 5 : 30;
    int warm = 100;
    List<String> containers = !target.equals(Table.NOTIFY) ? List.of("node")
        : containerGiven ? List.of(container) : List.of("tyrus", "jetty", "tomcat", "netty");
    for (String serverContainer : containers) {
      for (boolean on : new boolean[] {false, true}) {
        String name = target.equals(Table.NOTIFY) ? "notify on " + serverContainer : "socket.io";
        String phase = "idle-deflate-" + (target.equals(Table.NOTIFY) ? serverContainer + "-" : "")
            + (on ? "on" : "off");
        log("   " + name + ", perMessageDeflate " + (on ? "on" : "off") + ": " + n + " connections offering "
            + "permessage-deflate");
        try (Server server = startServer(target, phase, target.equals(Table.NOTIFY) ? serverContainer : container,
            null, on); Workers workers = startWorkers(n > 10000 ? 3 : 2, target + "-" + phase)) {
          Connected w = workers.connect("w", server.port, warm, "room=idle", true);
          pause(2);
          long heap0 = server.heapAfterGc();
          long rss0 = ProcStat.rssBytes(server.pid);
          Connected c = workers.connect("c", server.port, n - warm, "room=idle", true);
          log(String.format(Locale.ROOT, "   %d connected (%d failed) in %d ms, permessage-deflate accepted on %d; "
              + "holding %d s", c.ok, c.failed, c.millis, c.deflated, hold));
          long holdCpu0 = ProcStat.cpuNanos(server.pid);
          pause(hold);
          double holdCpu = (ProcStat.cpuNanos(server.pid) - holdCpu0) / 1e9 / hold;
          int open = server.count();
          long heap = server.heapAfterGc();
          long rss = ProcStat.rssBytes(server.pid);
          int perConn = Math.max(1, open - warm);
          DeflateRow row = new DeflateRow(name, on, n, open, w.ok + c.ok, w.deflated + c.deflated,
              c.ok * 1000.0 / Math.max(1, c.millis), (heap - heap0) / KB / perConn, (rss - rss0) / KB / perConn,
              holdCpu * 100);
          deflateRows.add(row);
          log(String.format(Locale.ROOT, "   %d open: heap %.1f MB (+%.2f KB/conn), RSS %.1f MB (+%.2f KB/conn), CPU "
                  + "while holding %.1f %% of a core", open, heap / KB / KB, row.heapPerConn, rss / KB / KB,
              row.rssPerConn, row.holdCpu));
        } catch (RuntimeException | IOException e) {
          log("!! idle-deflate / " + name + " / " + (on ? "on" : "off") + " failed: " + e);
          table.note("idle-deflate / " + name + ", perMessageDeflate " + (on ? "on" : "off") + " failed: "
              + e.getMessage());
        }
      }
    }
  }

  private String deflateSection() {
    DeflateRow first = deflateRows.get(0);
    int hold = idleHold >= 0 ? idleHold : quick ? 5 : 30;
    StringBuilder sb = new StringBuilder("### Idle connections offering permessage-deflate (" + first.count
        + " connections, held " + hold + " s)\n\n");
    sb.append("Every upgrade request offers `permessage-deflate; client_max_window_bits`, as browsers' do; the clients "
        + "compress what they send (a fresh context per message) and inflate what arrives. \"perMessageDeflate\" is "
        + "the server's option; \"accepted\" counts the 101 answers that included the extension. Memory figures "
        + "are per connection, after - before (100 warm connections) / connections.\n\n");
    sb.append("| server | perMessageDeflate | accepted / connected | open after hold | connect rate (conn/s) "
        + "| heap after GC / conn (KB) | RSS / conn (KB) | RSS on - off (KB/conn) "
        + "| CPU while holding (% of a core) |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (DeflateRow row : deflateRows) {
      String delta = "";
      if (row.on) {
        for (DeflateRow off : deflateRows) {
          if (!off.on && off.server.equals(row.server)) {
            delta = String.format(Locale.ROOT, "%+.2f", row.rssPerConn - off.rssPerConn);
          }
        }
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %d | %.0f | %.2f | %.2f | %s | %.1f |%n", row.server,
          row.on ? "on" : "off", row.negotiated, row.ok, row.open, row.connectRate, row.heapPerConn, row.rssPerConn,
          delta, row.holdCpu));
    }
    return sb.toString();
  }

  /** notify alone: connections on in-memory transports, no container. */
  private void idleInMemory(int n, int warm) throws IOException {
    try (Server server = startServer(Table.NOTIFY, "idle-inmem", "inmem")) {
      server.proc.request("connect " + warm, "connected", 60);
      long heap0 = server.heapAfterGc();
      Map<String, long[]> histo0 = classHistogram(server.pid);
      server.proc.request("connect " + (n - warm), "connected", 300);
      long heap = server.heapAfterGc();
      int perConn = n - warm;
      table.put("idle " + n / 1000 + "k", "notify's own objects: in-memory transports, no container (KB/conn)",
          Table.NOTIFY, (heap - heap0) / KB / perConn, "%.2f");
      table.section(histogramSection("Class histogram: notify alone (in-memory transports, no container), " + n
          + " connections, per connection", histo0, classHistogram(server.pid), perConn));
    }
  }

  /** One emitter, a room of 10k (and 19k) sockets, 100-byte payload. */
  private void fanout(String target) throws IOException {
    int[] rooms = quick ? new int[] {2000} : new int[] {10000, 19000};
    // a first step both servers keep up with here (10k-20k deliveries/s), then up until one saturates
    int[][] rates = quick ? new int[][] {{5}} : new int[][] {{1, 5, 15, 30}, {1, 8, 16}};
    if (fanRoom > 0) {
      rooms = new int[] {fanRoom};
      rates = new int[][] {{fanRate > 0 ? fanRate : rates[0][0]}};
    }
    int seconds = quick ? 3 : 4;
    try (Server server = startServer(target, "fanout"); Workers workers = startWorkers(2, target + "-fanout")) {
      workers.connectOn(0, "e", server.port, 1, "to=fan");
      int current = 0;
      for (int r = 0; r < rooms.length; r++) {
        int room = rooms[r];
        Connected c = workers.connect("r" + room, server.port, room - current, "room=fan");
        current = room;
        log("   room of " + room + ": " + c.ok + " connected, " + c.failed + " failed");
        int warmRate = Math.max(rates[r][0], 5);
        int members = room;
        warmUp("fan-out " + room / 1000 + "k", target, () -> fanRound(workers, warmRate, members), server.pid);
        for (int rate : rates[r]) {
          workers.reset();
          long cpu0 = ProcStat.cpuNanos(server.pid);
          long sys0 = ProcStat.systemNanos(server.pid);
          long t0 = System.nanoTime();
          workers.get(0).send("fan e " + rate + " " + seconds * 1000 + " 100");
          long sent = Long.parseLong(workers.get(0).expect("sent", seconds + 30).split(" ")[1]);
          long expected = sent * room;
          Result res = workers.await(s -> s.received, expected, 30);
          long cpu1 = ProcStat.cpuNanos(server.pid);
          long sys1 = ProcStat.systemNanos(server.pid);
          double secs = (res.lastProgress - t0) / 1e9;
          Stats s = res.stats;
          String label = "fan-out " + room / 1000 + "k @ " + rate + " emits/s";
          table.put(label, "deliveries/s received", target, s.received / secs, "%.0f");
          table.put(label, "delivered / expected (%)", target, 100.0 * s.received / Math.max(1, expected), "%.1f");
          table.put(label, "p50 emit -> receive (ms)", target, s.events.percentile(0.5) / 1000, "%.2f");
          table.put(label, "p99 emit -> receive (ms)", target, s.events.percentile(0.99) / 1000, "%.2f");
          table.put(label, "server CPU per delivery (µs)", target, (cpu1 - cpu0) / 1000.0 / Math.max(1, s.received),
              "%.2f");
          table.put(label, "of it in the kernel (%)", target, 100.0 * (sys1 - sys0) / Math.max(1, cpu1 - cpu0), "%.0f");
          table.put(label, "generator CPU per delivery (µs)", target, s.cpuNanos / 1000.0 / Math.max(1, s.received),
              "%.2f");
          log(String.format(Locale.ROOT, "   %s: %d/%d in %.2f s = %.0f/s, p50 %.2f ms p99 %.2f ms, server %.2f µs/del,"
                  + " generator %.2f µs/msg", label, s.received, expected, secs, s.received / secs,
              s.events.percentile(0.5) / 1000, s.events.percentile(0.99) / 1000,
              (cpu1 - cpu0) / 1000.0 / Math.max(1, s.received), s.cpuNanos / 1000.0 / Math.max(1, s.received)));
          if (s.received < expected * 0.999 || s.received / secs < 0.9 * rate * room) {
            log("   saturated: higher rates skipped");
            break;
          }
        }
      }
    }
  }

  /** 1,000 clients emitting with ack at a fixed total rate. */
  private void echo(String target) throws IOException {
    int clients = 1000;
    int[] rates = quick ? new int[] {5000} : new int[] {5000, 10000, 20000, 30000, 50000, 70000};
    int seconds = quick ? 3 : 4;
    int held = 0;
    try (Server server = startServer(target, "echo"); Workers workers = startWorkers(2, target + "-echo")) {
      workers.connect("g", server.port, clients, "-");
      warmUp("echo+ack", target, () -> {
        workers.reset();
        for (Proc w : workers.procs) {
          w.send("echo g " + (double) rates[0] / workers.procs.size() + " 1000 100");
        }
        long sent = 0;
        for (Proc w : workers.procs) {
          sent += Long.parseLong(w.expect("sent", 60).split(" ")[1]);
        }
        workers.await(s -> s.ackCount, sent, 20);
        return sent;
      }, server.pid);
      for (int rate : rates) {
        // each step runs three times and the table takes the median of each figure: one run's CPU per ack swings
        // by a third from run to run on this kind of machine
        List<EchoStep> runs = new ArrayList<>();
        Map<String, long[]> threads = ProcStat.threadGroups(server.pid);
        for (int i = 0; i < (quick ? 1 : 3); i++) {
          runs.add(echoStep(workers, server, rate, seconds));
        }
        String label = "echo+ack @ " + rate / 1000 + "k/s";
        if (rate == 10000 || rates.length == 1) {
          // where an ack's CPU goes at the rate the targets name, over the step's runs
          table.section(threadSection("Threads of " + target + " at " + label + ": per ack, over the "
              + runs.size() + " runs", runs.stream().mapToLong(EchoStep::acks).sum(), Map.of("server", threads),
              Map.of("server", ProcStat.threadGroups(server.pid))));
        }
        double p99 = median(runs, EchoStep::p99);
        table.put(label, "acks/s", target, median(runs, EchoStep::rate), "%.0f");
        table.put(label, "p50 ack round trip (ms)", target, median(runs, EchoStep::p50), "%.2f");
        table.put(label, "p99 ack round trip (ms)", target, p99, "%.2f");
        table.put(label, "p999 ack round trip (ms)", target, median(runs, EchoStep::p999), "%.2f");
        table.put(label, "server CPU per ack (µs)", target, median(runs, EchoStep::cpuPerAck), "%.2f");
        boolean kept = runs.stream().filter(r -> r.complete()).count() * 2 > runs.size() && p99 < 50;
        if (!kept) {
          break;
        }
        held = rate;
      }
      table.put("echo+ack", "highest rate held with p99 < 50 ms (/s)", target, held, "%.0f");
    }
  }

  /** One run of an echo step: its figures, and whether every ack came back. */
  private record EchoStep(long acks, double rate, double p50, double p99, double p999, double cpuPerAck,
      boolean complete) {
  }

  private EchoStep echoStep(Workers workers, Server server, int rate, int seconds) {
    workers.reset();
    long cpu0 = ProcStat.cpuNanos(server.pid);
    long t0 = System.nanoTime();
    for (Proc w : workers.procs) {
      w.send("echo g " + (double) rate / workers.procs.size() + " " + seconds * 1000 + " 100");
    }
    long sent = 0;
    for (Proc w : workers.procs) {
      sent += Long.parseLong(w.expect("sent", seconds + 30).split(" ")[1]);
    }
    Result res = workers.await(s -> s.ackCount, sent, 20);
    long cpu1 = ProcStat.cpuNanos(server.pid);
    Stats s = res.stats;
    double secs = (res.lastProgress - t0) / 1e9;
    EchoStep step = new EchoStep(s.ackCount, s.ackCount / secs, s.ackHist.percentile(0.5) / 1000,
        s.ackHist.percentile(0.99) / 1000, s.ackHist.percentile(0.999) / 1000,
        (cpu1 - cpu0) / 1000.0 / Math.max(1, s.ackCount), s.ackCount >= sent * 0.999);
    log(String.format(Locale.ROOT, "   echo+ack @ %dk/s: %d/%d acks, %.0f/s, p50 %.2f p99 %.2f p999 %.2f ms, "
        + "%.1f µs of server CPU per ack", rate / 1000, s.ackCount, sent, step.rate(), step.p50(), step.p99(),
        step.p999(), step.cpuPerAck()));
    return step;
  }

  private static <T> double median(List<T> runs, ToDoubleFunction<T> figure) {
    double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
    return values[values.length / 2];
  }

  /** Two server processes through Redis: emitter on A, room members on B. */
  private void cluster(String target) throws IOException {
    int members = 10;
    int[] rates = quick ? new int[] {1000} : new int[] {1000, 10000, 20000, 40000};
    int seconds = quick ? 3 : 4;
    int held = 0;
    try (LocalRedis redis = LocalRedis.givenOrOwn(redisUrl,
        new File(logs, "redis-" + target.replace(".", "") + ".log"));
        Server a = startServer(target, "cluster-a", container, redis.url);
        Server b = startServer(target, "cluster-b", container, redis.url);
        Workers workers = startWorkers(2, target + "-cluster")) {
      workers.connectOn(0, "e", a.port, 20, "to=fan");
      workers.connectOn(1, "m", b.port, members, "room=fan");
      // at 5k/s so that the JIT compiles the whole path before the 1k/s step is measured
      warmUp("cluster", target, () -> fanRound(workers, Math.max(rates[0], 5000), members), a.pid, b.pid);
      for (int rate : rates) {
        workers.reset();
        Map<String, long[]> threadsA = ProcStat.threadGroups(a.pid);
        Map<String, long[]> threadsB = ProcStat.threadGroups(b.pid);
        long cpuA = ProcStat.cpuNanos(a.pid);
        long cpuB = ProcStat.cpuNanos(b.pid);
        long t0 = System.nanoTime();
        workers.get(0).send("fan e " + rate + " " + seconds * 1000 + " 100");
        long sent = Long.parseLong(workers.get(0).expect("sent", seconds + 30).split(" ")[1]);
        Result res = workers.await(s -> s.received, sent * members, 20);
        double secs = (res.lastProgress - t0) / 1e9;
        Stats s = res.stats;
        long cpu = ProcStat.cpuNanos(a.pid) - cpuA + ProcStat.cpuNanos(b.pid) - cpuB;
        String label = "cluster @ " + rate / 1000.0 + "k emits/s (room of " + members + " on the other node)";
        table.put(label, "cross-node broadcasts/s", target, s.received / (double) members / secs, "%.0f");
        table.put(label, "delivered / expected (%)", target, 100.0 * s.received / Math.max(1, sent * members), "%.1f");
        table.put(label, "p50 emit -> receive (ms)", target, s.events.percentile(0.5) / 1000, "%.2f");
        table.put(label, "p99 emit -> receive (ms)", target, s.events.percentile(0.99) / 1000, "%.2f");
        table.put(label, "both servers' CPU per broadcast (µs)", target, cpu / 1000.0 / Math.max(1, sent), "%.2f");
        if (rate == rates[0]) {
          table.section(threadSection("Threads of " + target + " at " + label + ": per broadcast", sent,
              Map.of("A", threadsA, "B", threadsB), Map.of("A", ProcStat.threadGroups(a.pid), "B",
                  ProcStat.threadGroups(b.pid))));
        }
        log(String.format(Locale.ROOT, "   %s: %d/%d, p50 %.2f p99 %.2f ms", label, s.received, sent * members,
            s.events.percentile(0.5) / 1000, s.events.percentile(0.99) / 1000));
        if (s.received < sent * members * 0.999 || s.received / (double) members / secs < 0.9 * rate) {
          break;
        }
        held = rate;
      }
      table.put("cluster", "highest cross-node emit rate kept up with (/s)", target, held, "%.0f");
    }
  }

  /**
   * Warm-up, not recorded: one-second rounds of traffic until the servers' CPU per message of a round is within 15 %
   * of the round before and a JVM's JIT compiler threads took under 5 % of it (their compile time would otherwise
   * count as server CPU of the measured steps), at least {@code warmup()} worth of rounds and at most 30. Puts how
   * many rounds that took in the table: how soon the JIT is warm is a figure of its own.
   */
  private void warmUp(String scenario, String target, LongSupplier round, long... pids) {
    int min = Math.max(2, warmup() / 1000);
    double previous = -1;
    int rounds = 0;
    while (rounds < 30) {
      long cpu = 0;
      long jit = 0;
      for (long pid : pids) {
        cpu -= ProcStat.cpuNanos(pid);
        jit -= ProcStat.jitCpuNanos(pid);
      }
      long sent = round.getAsLong();
      for (long pid : pids) {
        cpu += ProcStat.cpuNanos(pid);
        jit += ProcStat.jitCpuNanos(pid);
      }
      rounds++;
      double perMessage = cpu / (double) Math.max(1, sent);
      boolean steady = previous > 0 && Math.abs(perMessage - previous) <= 0.15 * previous && jit < 0.05 * cpu;
      previous = perMessage;
      if (steady && rounds >= min) {
        break;
      }
    }
    log(String.format(Locale.ROOT, "   %s warm after %d one-second rounds (last: %.1f µs of server CPU per message)",
        scenario, rounds, previous / 1000));
    table.put(scenario, "warm-up rounds of 1 s until server CPU per message is steady", target, rounds, "%.0f");
  }

  /**
   * One second of broadcasts from the first worker's emitters at {@code rate}, waited for until each reached the room's
   * {@code members}; how many were sent.
   */
  private static long fanRound(Workers workers, int rate, int members) {
    workers.reset();
    workers.get(0).send("fan e " + rate + " 1000 100");
    long sent = Long.parseLong(workers.get(0).expect("sent", 60).split(" ")[1]);
    workers.await(s -> s.received, sent * members, 20);
    return sent;
  }

  /** How long a warm-up phase sends, in ms. */
  private int warmup() {
    return quick ? 1500 : 3000;
  }

  // ---- processes ----

  private final class Server implements AutoCloseable {
    final Proc proc;
    final int port;
    final long pid;

    Server(Proc proc) {
      this.proc = proc;
      String[] ready = proc.expect("READY", 120).split(" ");
      this.port = Integer.parseInt(ready[1]);
      this.pid = Long.parseLong(ready[2]);
    }

    long heapAfterGc() {
      return Long.parseLong(proc.request("gc", "heap", 120).split(" ")[1]);
    }

    int count() {
      return Integer.parseInt(proc.request("count", "count", 30).split(" ")[1]);
    }

    @Override
    public void close() {
      proc.close();
    }
  }

  private Server startServer(String target, String phase) throws IOException {
    return startServer(target, phase, container);
  }

  private Server startServer(String target, String phase, String serverContainer) throws IOException {
    return startServer(target, phase, serverContainer, null);
  }

  private Server startServer(String target, String phase, String serverContainer, String redis) throws IOException {
    return startServer(target, phase, serverContainer, redis, null);
  }

  /**
   * A server process; {@code perMessageDeflate} null leaves the option to the environment
   * ({@code BENCH_PER_MESSAGE_DEFLATE}, off when unset), else sets it on or off.
   */
  private Server startServer(String target, String phase, String serverContainer, String redis,
      Boolean perMessageDeflate) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (target.equals(Table.NOTIFY)) {
      cmd.add(java);
      String opts = System.getenv().getOrDefault("BENCH_SERVER_OPTS", "-Xmx2g");
      if (!opts.isBlank()) {
        cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
      }
      if (jfr && !serverContainer.equals("inmem")) {
        cmd.add("-XX:StartFlightRecording=filename=" + new File(logs, "notify-" + phase + ".jfr") + ",settings=profile");
      }
      cmd.addAll(List.of("-cp", serverClasspath(home, serverContainer), "dev.notify.bench.server.BenchServer",
          "--container", serverContainer));
      String maxPayload = System.getenv("BENCH_MAX_PAYLOAD");
      if (maxPayload != null && !maxPayload.isBlank()) {
        cmd.addAll(List.of("--max-payload", maxPayload.trim()));
      }
      if (redis != null) {
        cmd.addAll(List.of("--redis", redis));
      }
    } else {
      cmd.addAll(List.of("node", "--expose-gc", new File(home, "node/server.js").getPath()));
      if (redis != null) {
        cmd.addAll(List.of("--redis", redis));
      }
    }
    if (perMessageDeflate != null) {
      cmd.addAll(List.of("--per-message-deflate", perMessageDeflate ? "on" : "off"));
    }
    String name = target.replace(".", "") + "-" + phase;
    return new Server(new Proc(name, cmd, home, new File(logs, name + ".log")));
  }

  /**
   * The notify server's classpath: the bench jar and the libraries, less the other containers' jars. Jakarta
   * WebSocket finds a container's default configurator with the ServiceLoader, so with every container on the
   * classpath Tyrus would run Jetty's.
   */
  static String serverClasspath(File home, String serverContainer) {
    List<String> drop = switch (serverContainer) {
      case "tyrus" -> List.of("jetty-", "tomcat-", "netty-");
      case "jetty" -> List.of("tyrus-", "grizzly-", "tomcat-", "netty-");
      case "tomcat" -> List.of("tyrus-", "grizzly-", "jetty-", "netty-");
      default -> List.of("jetty-", "tomcat-", "tyrus-", "grizzly-");
    };
    File lib = new File(home, "target/lib");
    StringBuilder cp = new StringBuilder(new File(home, "target/notify-bench.jar").getPath());
    File[] jars = lib.listFiles((dir, name) -> name.endsWith(".jar") && drop.stream().noneMatch(name::startsWith));
    Arrays.sort(jars);
    for (File jar : jars) {
      cp.append(':').append(jar.getPath());
    }
    return cp.toString();
  }

  /** {@code deflated}: connections whose 101 answer accepted permessage-deflate. */
  private record Connected(int ok, int failed, long millis, int deflated) {
  }

  private record Stats(long received, long ackCount, long errors, long closed, long open, long cpuNanos,
      Histogram events, Histogram ackHist) {
  }

  private record Result(Stats stats, long lastProgress) {
  }

  private final class Workers implements AutoCloseable {
    final List<Proc> procs = new ArrayList<>();

    Proc get(int i) {
      return procs.get(i);
    }

    Connected connect(String group, int port, int total, String query) {
      return connect(group, port, total, query, false);
    }

    /** {@code deflate}: the upgrade requests offer permessage-deflate, as browsers' do. */
    Connected connect(String group, int port, int total, String query, boolean deflate) {
      int k = procs.size();
      for (int i = 0; i < k; i++) {
        int share = total / k + (i < total % k ? 1 : 0);
        procs.get(i).send("connect " + group + " 127.0.0.1 " + port + " " + share + " " + query
            + (deflate ? " deflate" : ""));
      }
      int ok = 0;
      int failed = 0;
      long millis = 0;
      int deflated = 0;
      for (Proc p : procs) {
        String[] w = p.expect("connected", 300).split(" ");
        ok += Integer.parseInt(w[1]);
        failed += Integer.parseInt(w[2]);
        millis = Math.max(millis, Long.parseLong(w[3]));
        deflated += Integer.parseInt(w[4]);
      }
      return new Connected(ok, failed, millis, deflated);
    }

    Connected connectOn(int worker, String group, int port, int count, String query) {
      String[] w = procs.get(worker).request("connect " + group + " 127.0.0.1 " + port + " " + count + " " + query,
          "connected", 120).split(" ");
      return new Connected(Integer.parseInt(w[1]), Integer.parseInt(w[2]), Long.parseLong(w[3]),
          Integer.parseInt(w[4]));
    }

    void reset() {
      for (Proc p : procs) {
        p.request("reset", "ok", 30);
      }
    }

    Stats stats() {
      for (Proc p : procs) {
        p.send("stats");
      }
      long[] sum = new long[6];
      Histogram events = new Histogram();
      Histogram acks = new Histogram();
      for (Proc p : procs) {
        String[] w = p.expect("stats", 30).split(" ");
        for (int i = 0; i < 6; i++) {
          sum[i] += Long.parseLong(w[i + 1]);
        }
        events.add(Histogram.parse(w[7]));
        acks.add(Histogram.parse(w[8]));
      }
      return new Stats(sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], events, acks);
    }

    /** Polls until {@code metric} reaches {@code expected}, or stops moving for 2 s, or {@code seconds} pass. */
    Result await(ToLongFunction<Stats> metric, long expected, double seconds) {
      long deadline = System.nanoTime() + (long) (seconds * 1e9);
      long last = -1;
      long lastProgress = System.nanoTime();
      while (true) {
        Stats s = stats();
        long now = System.nanoTime();
        long v = metric.applyAsLong(s);
        if (v != last) {
          last = v;
          lastProgress = now;
        }
        if (v >= expected || now - lastProgress > 2_000_000_000L || now > deadline) {
          return new Result(s, lastProgress);
        }
        pauseMillis(100);
      }
    }

    @Override
    public void close() {
      for (Proc p : procs) {
        p.send("close");
      }
      for (Proc p : procs) {
        p.close();
      }
    }
  }

  private Workers startWorkers(int count, String phase) throws IOException {
    Workers workers = new Workers();
    for (int i = 0; i < count; i++) {
      String name = "gen-" + phase.replace(".", "") + "-" + i;
      workers.procs.add(new Proc(name, List.of(java, "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath,
          "dev.notify.bench.load.LoadWorker", String.valueOf(i)), home, new File(logs, name + ".log")));
    }
    return workers;
  }

  // ---- class histograms ----

  /** jcmd GC.class_histogram: class name to {instances, bytes}. */
  private Map<String, long[]> classHistogram(long pid) throws IOException {
    Map<String, long[]> histo = new HashMap<>();
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] w = line.trim().split("\\s+");
        if (w.length >= 4 && w[0].endsWith(":")) {
          histo.put(w[3], new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])});
        }
      }
    }
    return histo;
  }

  /**
   * Where the servers' CPU goes, by thread group of each server: CPU and context switches per broadcast or ack (a
   * voluntary switch is a thread parking, so about one wake-up of it), from {@link ProcStat#threadGroups} before and
   * after.
   */
  private static String threadSection(String title, long messages, Map<String, Map<String, long[]>> before,
      Map<String, Map<String, long[]>> after) {
    StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n")
        .append("| server | threads | CPU (µs) | voluntary switches | involuntary switches |\n|---|---|---:|---:|---:|\n");
    double[] total = new double[3];
    for (String server : new TreeMap<>(after).keySet()) {
      for (Map.Entry<String, long[]> e : after.get(server).entrySet()) {
        long[] b = before.get(server).getOrDefault(e.getKey(), new long[3]);
        double cpu = (e.getValue()[0] - b[0]) / 1000.0 / messages;
        double voluntary = (e.getValue()[1] - b[1]) / (double) messages;
        double involuntary = (e.getValue()[2] - b[2]) / (double) messages;
        if (cpu == 0 && voluntary < 0.01 && involuntary < 0.01) {
          continue;
        }
        total[0] += cpu;
        total[1] += voluntary;
        total[2] += involuntary;
        sb.append(String.format(Locale.ROOT, "| %s | `%s` | %.1f | %.2f | %.2f |%n", server, e.getKey(), cpu,
            voluntary, involuntary));
      }
    }
    return sb.append(String.format(Locale.ROOT, "| %s | all | %.1f | %.2f | %.2f |%n",
        after.size() > 1 ? "both" : "all", total[0], total[1], total[2])).toString();
  }

  private static String histogramSection(String title, Map<String, long[]> before, Map<String, long[]> after,
      int perConn) {
    record Row(String name, double instances, double bytes) {
    }
    List<Row> rows = new ArrayList<>();
    double ours = 0;
    double container = 0;
    double jdk = 0;
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      double instances = (e.getValue()[0] - b[0]) / (double) perConn;
      double bytes = (e.getValue()[1] - b[1]) / (double) perConn;
      String name = e.getKey();
      if (name.startsWith("dev.notify.")) {
        ours += bytes;
      } else if (name.startsWith("org.") || name.startsWith("io.netty.")) {
        container += bytes;
      } else {
        jdk += bytes;
      }
      if (Math.abs(bytes) >= 24) {
        rows.add(new Row(name, instances, bytes));
      }
    }
    rows.sort((x, y) -> Double.compare(y.bytes, x.bytes));
    StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n");
    sb.append(String.format(Locale.ROOT, "dev.notify.* classes: %.0f B; org.*, io.netty.* (container, Jackson...): %.0f B; "
        + "JDK classes (strings, maps, arrays, futures...; owned by either): %.0f B; total %.0f B per connection.%n%n",
        ours, container, jdk, ours + container + jdk));
    sb.append("| class | instances / conn | bytes / conn |\n|---|---:|---:|\n");
    for (Row row : rows.subList(0, Math.min(30, rows.size()))) {
      sb.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.0f |%n", row.name, row.instances, row.bytes));
    }
    return sb.toString();
  }

  // ---- machine ----

  /** The machine stamp of a results file: cores, CPU, JVM, Node, the notify container, the commit. */
  static String machine(String container) {
    String cpu = "?";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    } catch (IOException e) {
      // not Linux
    }
    return "- machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
        + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MB max heap of the driver\n"
        + "- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + "; server options: " + System.getenv().getOrDefault("BENCH_SERVER_OPTS", "-Xmx2g") + "\n"
        + "- Node: " + command("node", "--version") + "; socket.io 4.8.4\n"
        + "- notify container: " + container + (System.getenv("BENCH_MAX_PAYLOAD") == null ? ""
            : ", maxPayload " + System.getenv("BENCH_MAX_PAYLOAD")) + "; commit "
        + command("git", "rev-parse", "--short", "HEAD") + "\n";
  }

  static String loadAverage() {
    try {
      String[] w = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return w[0] + " " + w[1] + " " + w[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static void pause(double seconds) {
    pauseMillis((long) (seconds * 1000));
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
