package dev.notify.redis.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is reachable, as the parts that talk to it (publisher, subscriptions) see it. Logs the outage once
 * when the first part loses Redis and once when the last part has it back, never once per message; tells the
 * listeners (the publisher stops taking messages at once). Thread-safe.
 */
public final class Health {

  private static final Logger log = LoggerFactory.getLogger("dev.notify.redis");

  /** Told about every change; must not block. */
  public interface Listener {
    void onDown();

    default void onUp() {
    }
  }

  private final Supplier<String> label;
  private final Set<Object> down = ConcurrentHashMap.newKeySet();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private long downSince;
  private boolean outage;
  /** When the last outage ended (System.nanoTime), meaningful once {@link #everResumed} is set. */
  private volatile long resumedAt;
  private volatile boolean everResumed;

  /** @param label who is talking, for the log lines: the Redis address and the node ids and namespaces */
  public Health(Supplier<String> label) {
    this.label = label;
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /** Whether every part reaches Redis. */
  public boolean up() {
    return down.isEmpty();
  }

  /**
   * Whether every part reaches Redis and has for at least {@code settle} since the last outage ended (always, if
   * there was none).
   */
  public boolean settled(Duration settle) {
    return up() && (!everResumed || System.nanoTime() - resumedAt >= settle.toNanos());
  }

  /** A part lost Redis. */
  public void down(Object part, Throwable cause) {
    boolean first;
    synchronized (this) {
      down.add(part);
      first = !outage;
      if (first) {
        outage = true;
        downSince = System.nanoTime();
      }
    }
    if (first) {
      log.warn("{}: Redis unreachable ({}); serving local clients only, cluster messages are dropped until it is "
          + "back; reconnecting", label.get(), describe(cause));
      for (Listener l : listeners) {
        l.onDown();
      }
    }
  }

  /** A part reaches Redis (again). */
  public void up(Object part) {
    boolean resumed;
    long millis;
    synchronized (this) {
      down.remove(part);
      resumed = outage && down.isEmpty();
      if (resumed) {
        outage = false;
        this.resumedAt = System.nanoTime();
        this.everResumed = true;
      }
      millis = (System.nanoTime() - downSince) / 1_000_000;
    }
    if (resumed) {
      log.info("{}: Redis reachable again after {} ms; cluster traffic resumed", label.get(), millis);
      for (Listener l : listeners) {
        l.onUp();
      }
    }
  }

  static String describe(Throwable e) {
    if (e == null) {
      return "unknown cause";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
