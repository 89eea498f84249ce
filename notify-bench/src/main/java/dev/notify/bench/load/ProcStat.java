package dev.notify.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** CPU time and resident memory of a process, from Linux's {@code /proc}. */
public final class ProcStat {

  /** Clock ticks per second of {@code /proc/<pid>/stat} (getconf CLK_TCK; 100 on Linux). */
  public static final long TICKS_PER_SECOND = 100;

  private ProcStat() {
  }

  /** utime + stime of a process so far, in ns (10 ms resolution); -1 when it is gone. */
  public static long cpuNanos(long pid) {
    return ticks(pid, true, true);
  }

  /** stime of a process so far (CPU time in the kernel on its behalf: system calls), in ns; -1 when it is gone. */
  public static long systemNanos(long pid) {
    return ticks(pid, false, true);
  }

  private static long ticks(long pid, boolean user, boolean system) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name may hold spaces: fields are counted after its closing parenthesis
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = (user ? Long.parseLong(fields[11]) : 0) + (system ? Long.parseLong(fields[12]) : 0); // 14, 15
      return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time so far of a JVM's JIT compiler threads ({@code C1/C2 CompilerThread*}), in ns; 0 for a process that has
   * none (Node: V8 compiles on threads that also do other work).
   */
  public static long jitCpuNanos(long pid) {
    long[] compilers = threadGroups(pid).get("C# CompilerThre");
    return compilers == null ? 0 : compilers[0];
  }

  /**
   * CPU time and context switches so far of a process's threads, grouped by name with each run of digits read as
   * {@code #} (a pool's threads count as one: {@code notify-handler-}, {@code C# CompilerThre}; Linux keeps the first
   * 15 chars of a name): per group {CPU ns, voluntary switches (the thread parked or waited), involuntary switches
   * (preempted)}.
   */
  public static Map<String, long[]> threadGroups(long pid) {
    Map<String, long[]> groups = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long[] g = groups.computeIfAbsent(name, n -> new long[3]);
          g[0] += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * (1_000_000_000L / TICKS_PER_SECOND);
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              g[1] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              g[2] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException e) {
      // the process ended: no threads
    }
    return groups;
  }

  /** This process's CPU time so far, in ns. */
  public static long selfCpuNanos() {
    return cpuNanos(ProcessHandle.current().pid());
  }

  /** VmRSS of a process in bytes; -1 when it is gone. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024;
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
