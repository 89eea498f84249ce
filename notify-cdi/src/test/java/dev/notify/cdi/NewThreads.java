package dev.notify.cdi;

import java.util.List;
import java.util.Set;

/** The threads a test started, compared with a snapshot taken before it. */
final class NewThreads {

  private final Set<Thread> before = Thread.getAllStackTraces().keySet();

  /**
   * The live threads that were not there before, but for the Java client's (its OkHttp pool, Okio watchdog and
   * event thread outlive a disconnect by design) and Awaitility's own.
   */
  List<String> names() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(name -> !name.startsWith("OkHttp") && !name.startsWith("Okio") && !name.equals("EventThread")
            && !name.startsWith("awaitility"))
        .sorted()
        .toList();
  }
}
