package dev.notify.core.server;

import dev.notify.core.server.ServerHealth.Check;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts a server's {@link ServerHealth} together from its own state and the checks others added. Thread-safe. */
final class HealthChecks {

  private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);
  private static final Set<String> OWN = Set.of("server", "executor", "adapter", "recovery");

  private final ExecutorProbe probe;
  private final Map<String, Supplier<Check>> added = new ConcurrentSkipListMap<>();

  HealthChecks(ExecutorProbe probe) {
    this.probe = probe;
  }

  void add(String name, Supplier<Check> check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(check, "check");
    if (name.isBlank() || OWN.contains(name)) {
      throw new IllegalArgumentException("health check name must be non-blank and not one of " + OWN + ", was '"
          + name + "'");
    }
    if (added.putIfAbsent(name, check) != null) {
      throw new IllegalStateException("a health check named '" + name + "' is already added");
    }
  }

  void remove(String name) {
    added.remove(name);
  }

  ServerHealth assemble(boolean closed, boolean draining, Collection<Namespace> namespaces, RecoveryStore recovery) {
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put("server", closed ? Check.down("closed") : draining ? Check.up("draining") : Check.up("open"));

    long lag = probe.waitMillis();
    boolean live = !closed && lag < ServerHealth.LIVE_EXECUTOR_LAG_MILLIS;
    boolean executorReady = lag < ServerHealth.READY_EXECUTOR_LAG_MILLIS;
    checks.put("executor", new Check(executorReady, "handlers wait " + lag + " ms to start"));

    boolean adaptersStarted = true;
    String adapterDown = null;
    for (Namespace namespace : namespaces) {
      CompletableFuture<Void> ready = namespace.ready();
      if (!ready.isDone() || ready.isCompletedExceptionally()) {
        adaptersStarted = false;
        adapterDown = namespace.name() + ": adapter " + (ready.isDone() ? "failed to start" : "starting");
        break;
      }
      if (adapterDown == null && !namespace.adapter().clusterSettled()) {
        adapterDown = namespace.name() + ": cluster traffic not settled (broker unreachable or just back)";
      }
    }
    checks.put("adapter", adapterDown == null ? Check.up(namespaces.size() + " namespaces, cluster traffic settled")
        : Check.down(adapterDown));
    if (recovery != null) {
      checks.put("recovery", recovery.available() ? Check.up("store reachable") : Check.down("store unreachable"));
    }
    added.forEach((name, check) -> checks.put(name, run(name, check)));
    return new ServerHealth(live, !closed && adaptersStarted && executorReady, draining && !closed, checks);
  }

  private static Check run(String name, Supplier<Check> check) {
    try {
      return Objects.requireNonNull(check.get(), "a health check returned null");
    } catch (RuntimeException e) {
      log.debug("health check {} threw", name, e);
      return Check.down("check threw " + e.getClass().getSimpleName());
    }
  }
}
