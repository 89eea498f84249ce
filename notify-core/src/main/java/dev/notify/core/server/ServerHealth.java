package dev.notify.core.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link NotifyServer#health()} found, for a load balancer's probes and for people.
 *
 * <ul>
 *   <li>{@link #live()}: the server is open and its executor runs handlers (one waited less than
 *   {@link #LIVE_EXECUTOR_LAG_MILLIS}): restart the process when false.
 *   <li>{@link #ready()}: live, not draining, every namespace's adapter started (subscribed), and handlers start
 *   within {@link #READY_EXECUTOR_LAG_MILLIS}: send new connections elsewhere when false.
 *   <li>{@link #status()}: {@code UP}; {@code DEGRADED} when ready but a dependency is down (broker or a store
 *   unreachable): every node shares those, so failing readiness for them would take the whole cluster out of the
 *   balancer while each node still serves its own clients; {@code DRAINING}; or {@code DOWN} (not ready).
 * </ul>
 *
 * Immutable.
 */
public final class ServerHealth {

  /** Handlers waiting longer than this to start make the server not ready: 1,000 ms. */
  public static final long READY_EXECUTOR_LAG_MILLIS = 1_000;
  /** A handler waiting longer than this to start makes the server not live: 30,000 ms. */
  public static final long LIVE_EXECUTOR_LAG_MILLIS = 30_000;

  /** The overall state, from best to worst. */
  public enum Status {
    /** Ready, and every check is up. */
    UP,
    /** Ready, but a dependency is down: local clients are served, the cluster or a store is not reached. */
    DEGRADED,
    /** Refusing new connections while its clients move to other nodes ({@link NotifyServer#drain}). */
    DRAINING,
    /** Not ready: closed, starting, or too busy to start handlers in time. */
    DOWN
  }

  /**
   * One part's state.
   *
   * @param up whether it works
   * @param detail a few words on why (never a secret: shown by the health endpoint)
   */
  public record Check(boolean up, String detail) {
    public Check {
      Objects.requireNonNull(detail, "detail");
    }

    public static Check up(String detail) {
      return new Check(true, detail);
    }

    public static Check down(String detail) {
      return new Check(false, detail);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Status status;
  private final boolean live;
  private final Map<String, Check> checks;

  ServerHealth(boolean live, boolean ready, boolean draining, Map<String, Check> checks) {
    this.live = live;
    this.checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    if (draining) {
      this.status = Status.DRAINING;
    } else if (!ready || !live) {
      this.status = Status.DOWN;
    } else {
      this.status = checks.values().stream().allMatch(Check::up) ? Status.UP : Status.DEGRADED;
    }
  }

  public Status status() {
    return status;
  }

  /** Whether the process should be left running (a liveness probe). */
  public boolean live() {
    return live;
  }

  /** Whether new connections are welcome (a readiness probe): {@code UP} or {@code DEGRADED}. */
  public boolean ready() {
    return status == Status.UP || status == Status.DEGRADED;
  }

  /** Each part by name ({@code server}, {@code executor}, {@code adapter}, ...), in a stable order. */
  public Map<String, Check> checks() {
    return checks;
  }

  /** {@code {"status":"UP","live":true,"ready":true,"checks":{"adapter":{"up":true,"detail":"..."}}}}. */
  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", status);
    json.put("live", live);
    json.put("ready", ready());
    json.put("checks", checks);
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("health is not serializable", e);
    }
  }

  @Override
  public String toString() {
    return toJson();
  }
}
