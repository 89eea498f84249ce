package dev.notify.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sessions in a map bounded in count, oldest first out, each kept for a day. Thread-safe. */
final class InMemoryAdminSessionStore implements AdminSessionStore {

  static final int MAX_SESSIONS = 10_000;
  static final Duration SESSION_DURATION = Duration.ofDays(1);

  private final Clock clock;
  /** guarded by this; insertion order is expiry order */
  private final Map<String, Instant> sessions = new LinkedHashMap<>();

  InMemoryAdminSessionStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized boolean exists(String sessionId) {
    expire();
    return sessions.containsKey(sessionId);
  }

  @Override
  public synchronized void save(String sessionId) {
    expire();
    if (sessions.size() >= MAX_SESSIONS) {
      Iterator<String> oldest = sessions.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    sessions.put(sessionId, clock.instant().plus(SESSION_DURATION));
  }

  private void expire() {
    Instant now = clock.instant();
    for (Iterator<Instant> it = sessions.values().iterator(); it.hasNext(); ) {
      if (!it.next().isAfter(now)) {
        it.remove();
      } else {
        return;
      }
    }
  }
}
