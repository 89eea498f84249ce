package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.notification.MutableClock;
import dev.notify.core.server.RecoveryStore.Missed;
import dev.notify.core.server.RecoveryStore.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryRecoveryStoreTest {

  private static final Duration RETENTION = Duration.ofMinutes(2);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final InMemoryRecoveryStore store = new InMemoryRecoveryStore(RETENTION, clock);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void aClientMissesTheEventsAfterItsOffsetForItsNamespaceAndRoomsOnly() {
    String start = append("/", to(Set.of(), Set.of()), "before");
    append("/", to(Set.of("a"), Set.of()), "toA");
    append("/", to(Set.of("b"), Set.of()), "toB");
    append("/", to(Set.of(), Set.of("a")), "exceptA");
    append("/chat", to(Set.of(), Set.of()), "otherNamespace");
    String last = append("/", to(Set.of(), Set.of()), "toAll");

    List<Missed> missed = store.missedSince("/", start, Set.of("a", "sid")).join();

    assertThat(missed).extracting(Missed::event).containsExactly("toA", "toAll");
    assertThat(missed.get(1).offset()).isEqualTo(last);
    assertThat(missed.get(1).args()).containsExactly(7, last);
    assertThat(store.missedSince("/", last, Set.of("a")).join()).isEmpty();
  }

  @Test
  void anOffsetThatIsUnknownOrExpiredCannotBeRecovered() {
    String first = append("/", to(Set.of(), Set.of()), "one");
    clock.advance(RETENTION.plusSeconds(1));
    append("/", to(Set.of(), Set.of()), "two");

    assertThat(store.missedSince("/", first, Set.of()).join()).as("its event expired").isNull();
    assertThat(store.missedSince("/", "999", Set.of()).join()).as("never given").isNull();
    assertThat(store.missedSince("/", "x1", Set.of()).join()).as("not ours").isNull();
    assertThat(store.missedSince("/", "0", Set.of()).join()).isNull();
  }

  @Test
  void aSessionIsTakenOnceInItsNamespaceAndNotAfterTheRetention() {
    store.saveSession(session("/", "pid1"), RETENTION).join();
    store.saveSession(session("/", "pid2"), RETENTION).join();

    assertThat(store.takeSession("/chat", "pid1").join()).as("another namespace").isNull();
    assertThat(store.takeSession("/", "pid1").join().socketId()).isEqualTo("sid-pid1");
    assertThat(store.takeSession("/", "pid1").join()).as("taken already").isNull();

    clock.advance(RETENTION.plusSeconds(1));
    assertThat(store.takeSession("/", "pid2").join()).as("expired").isNull();
  }

  @Test
  void concurrentTakesOfOneSessionGiveItToOneOnly() throws Exception {
    for (int round = 0; round < 200; round++) {
      String pid = "pid" + round;
      store.saveSession(session("/", pid), RETENTION).join();
      CyclicBarrier barrier = new CyclicBarrier(4);
      List<Future<Session>> takes = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        takes.add(threads.submit(() -> {
          barrier.await(10, TimeUnit.SECONDS);
          return store.takeSession("/", pid).join();
        }));
      }
      int won = 0;
      for (Future<Session> take : takes) {
        won += take.get(10, TimeUnit.SECONDS) != null ? 1 : 0;
      }
      assertThat(won).as("round %d", round).isEqualTo(1);
    }
  }

  @Test
  void concurrentAppendsGetDistinctOffsetsAndAreAllReplayedInOffsetOrder() throws Exception {
    String start = append("/", to(Set.of(), Set.of()), "start");
    CyclicBarrier barrier = new CyclicBarrier(4);
    List<Future<List<String>>> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      writers.add(threads.submit(() -> {
        barrier.await(10, TimeUnit.SECONDS);
        List<String> offsets = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
          offsets.add(append("/", to(Set.of(), Set.of()), "e"));
        }
        return offsets;
      }));
    }
    List<Long> given = new ArrayList<>();
    for (Future<List<String>> writer : writers) {
      writer.get(30, TimeUnit.SECONDS).forEach(o -> given.add(Long.parseLong(o)));
    }

    List<Long> replayed = store.missedSince("/", start, Set.of()).join().stream()
        .map(m -> Long.parseLong(m.offset())).toList();

    assertThat(given).hasSize(20_000).doesNotHaveDuplicates();
    assertThat(replayed).hasSize(20_000).isSorted().containsExactlyInAnyOrderElementsOf(given);
  }

  private String append(String namespace, BroadcastOptions targets, String event) {
    CompletableFuture<String> offset = store.append(namespace, targets, event, new Object[] {7});
    return offset.join();
  }

  private static BroadcastOptions to(Set<String> rooms, Set<String> except) {
    return new BroadcastOptions(rooms, except, false, false, false, null);
  }

  private Session session(String namespace, String pid) {
    return new Session(namespace, pid, "sid-" + pid, Set.of("a"), Map.of(), clock.instant());
  }
}
