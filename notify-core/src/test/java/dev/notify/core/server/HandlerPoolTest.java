package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {

  @Test
  void runsTasksOnNamedDaemonThreadsWithTheClassLoaderOfTheThreadThatMadeIt() throws Exception {
    ClassLoader appLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
    Thread maker = Thread.currentThread();
    ClassLoader before = maker.getContextClassLoader();
    HandlerPool pool;
    maker.setContextClassLoader(appLoader);
    try {
      pool = new HandlerPool(2);
    } finally {
      maker.setContextClassLoader(before);
    }
    try (pool) {
      CompletableFuture<Thread> ran = new CompletableFuture<>();
      pool.execute(() -> ran.complete(Thread.currentThread()));
      Thread thread = ran.get(5, TimeUnit.SECONDS);
      assertThat(thread.getName()).startsWith("notify-handler-");
      assertThat(thread.isDaemon()).isTrue();
      assertThat(thread.getContextClassLoader()).isSameAs(appLoader);
    }
  }

  @Test
  void runsAtMostItsThreadCountOfTasksAtOnceAndTheRestAfterThem() throws Exception {
    try (HandlerPool pool = new HandlerPool(2)) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();
      for (int i = 0; i < 6; i++) {
        pool.execute(() -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          running.decrementAndGet();
          done.incrementAndGet();
        });
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 2);
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> done.get() == 6);
      assertThat(most.get()).as("threads busy at once").isEqualTo(2);
    }
  }

  @Test
  void afterCloseATaskRunsOnTheCallingThreadInsteadOfBeingDropped() {
    HandlerPool pool = new HandlerPool(2);
    pool.close();
    List<Thread> ran = new ArrayList<>();
    pool.execute(() -> ran.add(Thread.currentThread()));
    assertThat(ran).containsExactly(Thread.currentThread());
  }
}
