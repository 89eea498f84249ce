package dev.notify.admin;

/**
 * Where the Admin UI's login sessions are kept, so that a browser that logged in once reconnects (to any node
 * sharing the store) without its password: {@link #inMemory()}, or {@link RedisAdminSessionStore} for a cluster, in
 * the key format of Node's {@code RedisStore}, so Java and Node nodes share one login.
 *
 * <p>Called on the Admin UI's own login thread, never a handler thread: implementations may block on I/O.
 */
public interface AdminSessionStore {

  /** Whether {@code sessionId} was saved and has not expired. */
  boolean exists(String sessionId);

  /** Keeps {@code sessionId} for the store's session duration. */
  void save(String sessionId);

  /** Sessions in this JVM for 24 hours, at most 10,000 (the oldest go first). */
  static AdminSessionStore inMemory() {
    return new InMemoryAdminSessionStore(java.time.Clock.systemUTC());
  }
}
