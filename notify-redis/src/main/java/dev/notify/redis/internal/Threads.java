package dev.notify.redis.internal;

import dev.notify.redis.RedisConnectionOptions;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the Redis parts get their threads: from {@link RedisConnectionOptions#threadFactory()} when the application
 * gave one, else as daemon threads. We name them either way, so a thread dump says what each one does.
 */
public final class Threads {

  private Threads() {
  }

  /** Threads named {@code name}, or {@code name-1}, {@code name-2}... when {@code numbered}. */
  public static ThreadFactory factory(RedisConnectionOptions options, String name, boolean numbered) {
    ThreadFactory supplied = options.threadFactory();
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = supplied == null ? new Thread(task) : supplied.newThread(task);
      if (thread == null) {
        throw new IllegalStateException("the threadFactory of RedisConnectionOptions gave no thread for " + name);
      }
      thread.setName(numbered ? name + "-" + count.incrementAndGet() : name);
      if (supplied == null) {
        thread.setDaemon(true);
      }
      return thread;
    };
  }

  /** One thread named {@code name}, not started. */
  public static Thread newThread(RedisConnectionOptions options, String name, Runnable task) {
    return factory(options, name, false).newThread(task);
  }
}
