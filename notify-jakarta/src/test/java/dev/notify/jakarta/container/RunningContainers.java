package dev.notify.jakarta.container;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One {@link ScenarioServer} in one container per {@link ContainerKind}, started on first use and shared by the
 * tests of a class (a container start costs about a second); {@link #close()} stops them all.
 */
final class RunningContainers implements AutoCloseable {

  /** A server and the container serving it. */
  record Running(ScenarioServer server, ServedContainer container) {
  }

  private final Supplier<ScenarioServer> servers;
  private final ContainerKind.ContainerTimeouts timeouts;
  private final Map<ContainerKind, Running> running = new EnumMap<>(ContainerKind.class);

  RunningContainers(Supplier<ScenarioServer> servers) {
    this(servers, ContainerKind.ContainerTimeouts.DEFAULTS);
  }

  RunningContainers(Supplier<ScenarioServer> servers, ContainerKind.ContainerTimeouts timeouts) {
    this.servers = servers;
    this.timeouts = timeouts;
  }

  synchronized Running get(ContainerKind kind) throws Exception {
    Running r = running.get(kind);
    if (r == null) {
      ScenarioServer server = servers.get();
      try {
        r = new Running(server, kind.start(server.io, timeouts));
      } catch (Exception | Error e) {
        server.close();
        throw e;
      }
      running.put(kind, r);
    }
    return r;
  }

  @Override
  public synchronized void close() {
    RuntimeException first = null;
    for (Running r : running.values()) {
      r.server().close();
      try {
        r.container().close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    running.clear();
    if (first != null) {
      throw first;
    }
  }
}
