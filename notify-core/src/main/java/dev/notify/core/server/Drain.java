package dev.notify.core.server;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a node's clients to the other nodes before it stops: new handshakes are refused (503), and the open
 * sessions are closed one by one across the window, as a server shutdown closes them (clients reconnect, and a
 * recoverable session is kept), rather than all at once, which would have every client hit the other nodes in the
 * same second.
 */
final class Drain {

  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  private Drain() {
  }

  /**
   * Starts draining; {@code close} runs once the window is over (closing what is left, such as a session opened by
   * an upgrade under way), and the future completes after it.
   */
  static CompletableFuture<Void> start(EngineServer engine, ScheduledExecutorService scheduler, Duration window,
      Runnable close) {
    engine.drain();
    List<EngineSession> open = engine.openSessions();
    Collections.shuffle(open);
    long windowNanos = window.toNanos();
    int n = open.size();
    log.info("draining: {} sessions leave over {} ms; new handshakes are answered 503", n, window.toMillis());
    for (int i = 0; i < n; i++) {
      // one session per slot of window/n, at a random point within its slot: as even as a steady rate, never
      // bunched, and in no order a client could predict
      long at = (long) ((i + ThreadLocalRandom.current().nextDouble()) * windowNanos / n);
      EngineSession session = open.get(i);
      scheduler.schedule(() -> session.close(CloseReason.SERVER_SHUTTING_DOWN, null), at, TimeUnit.NANOSECONDS);
    }
    CompletableFuture<Void> drained = new CompletableFuture<>();
    scheduler.schedule(() -> {
      try {
        close.run();
        drained.complete(null);
      } catch (RuntimeException e) {
        drained.completeExceptionally(e);
      }
    }, windowNanos, TimeUnit.NANOSECONDS);
    return drained;
  }
}
