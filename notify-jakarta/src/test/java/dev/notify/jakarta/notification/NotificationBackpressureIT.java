package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.FallbackChannel.Reason;
import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationException;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.jakarta.notification.NotificationFixture.Fallback;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bursts: sending never waits for delivery, the backlog shows in {@code queueDepth()} and drains, retention keeps
 * each inbox bounded, and past {@code maxPendingSends} unstored sends, a send fails at once.
 *
 * <p>Times printed here are what the calling thread spent inside {@code send}, for the record; they are not
 * asserted beyond a bound that only a blocking send would break.
 */
class NotificationBackpressureIT {

  private static final int BURST = 100_000;
  private static final int MAX_PER_USER = 1_000;
  /** Far above what a send that only stores in memory takes, far below what waiting for deliveries would. */
  private static final Duration CALLER_TIME_BOUND = Duration.ofSeconds(30);
  private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(90);

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  private static Notification chat(int n) {
    return Notification.of("chat", "Message " + n, "burst");
  }

  @Test
  void aBurstOf100000ToOneOfflineUserDoesNotWaitForDeliveryAndTheBacklogDrains() {
    PausableStore store = new PausableStore(new InMemoryNotificationStore(MAX_PER_USER, Duration.ofDays(1)))
        .pauseClaims();
    fixture.start(store, server -> server, service -> service);

    List<CompletableFuture<NotificationId>> sends = new ArrayList<>(BURST);
    long callerNanos = 0;
    for (int i = 0; i < BURST; i++) {
      long start = System.nanoTime();
      sends.add(fixture.service().send("alice", chat(i)));
      callerNanos += System.nanoTime() - start;
    }
    System.out.printf("burst to one user: %,d sends took %,d ms of the calling thread (%.1f µs per send)%n", BURST,
        callerNanos / 1_000_000, callerNanos / 1_000.0 / BURST);

    // no delivery was made, yet every send is stored: sending does not wait for delivery
    assertThat(sends).allSatisfy(send -> assertThat(send).isCompleted());
    assertThat(Duration.ofNanos(callerNanos)).isLessThan(CALLER_TIME_BOUND);
    assertThat(fixture.service().queueDepth()).isEqualTo(BURST);
    // retention keeps the newest MAX_PER_USER
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(MAX_PER_USER);
    InboxPage newest = Await.result(fixture.service().inbox("alice", null, 1));
    assertThat(newest.items().get(0).id()).isEqualTo(sends.get(BURST - 1).join());
    assertThat(fixture.stored("alice", sends.get(BURST - MAX_PER_USER - 1).join())).isNull();
    assertThat(fixture.stored("alice", sends.get(BURST - MAX_PER_USER).join())).isNotNull();

    store.resumeClaims();

    await().atMost(DRAIN_DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    // the jobs of notifications that retention dropped end quietly; the kept ones reach the fallback as offline
    List<Fallback> fallbacks = fixture.fallbacks();
    assertThat(fallbacks).hasSize(MAX_PER_USER).allSatisfy(f -> assertThat(f.reason()).isEqualTo(Reason.OFFLINE));
    assertThat(fallbacks).extracting(Fallback::id).containsExactlyInAnyOrderElementsOf(
        sends.subList(BURST - MAX_PER_USER, BURST).stream().map(CompletableFuture::join).toList());

    Device phone = fixture.device("alice").autoAck(BATCH).connect();
    int received = 0;
    while (received < MAX_PER_USER) {
      received += phone.awaitPayload(BATCH).path("notifications").size();
    }
    assertThat(received).isEqualTo(MAX_PER_USER);
    fixture.awaitStatus("alice", sends.get(BURST - 1).join(), NotificationStatus.DELIVERED);
  }

  @Test
  void aBurstOf100000To10000UsersReturnsAtOnceAndTheBacklogDrains() {
    fixture.start(new InMemoryNotificationStore(MAX_PER_USER, Duration.ofDays(1)), server -> server,
        service -> service);
    List<String> users = IntStream.range(0, 10_000).mapToObj(i -> "user-" + i).toList();

    List<CompletableFuture<List<NotificationId>>> sends = new ArrayList<>();
    long callerNanos = 0;
    for (int round = 0; round < BURST / users.size(); round++) {
      long start = System.nanoTime();
      sends.add(fixture.service().send(users, chat(round)));
      callerNanos += System.nanoTime() - start;
    }
    long backlog = fixture.service().queueDepth();
    System.out.printf("burst to %,d users: %,d notifications took %,d ms of the calling thread; backlog then %,d%n",
        users.size(), BURST, callerNanos / 1_000_000, backlog);

    assertThat(sends).allSatisfy(send -> assertThat(send).isCompleted());
    assertThat(Duration.ofNanos(callerNanos)).isLessThan(CALLER_TIME_BOUND);
    await().atMost(DRAIN_DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    assertThat(fixture.fallbacks()).hasSize(BURST);
    for (String user : List.of(users.get(0), users.get(4_999), users.get(9_999))) {
      assertThat(Await.result(fixture.service().unreadCount(user))).isEqualTo(BURST / users.size());
    }
  }

  @Test
  void pastMaxPendingSendsASendFailsAtOnceWithNotificationException() {
    PausableStore store = new PausableStore(new InMemoryNotificationStore()).pauseSaves();
    fixture.start(store, server -> server, service -> service.maxPendingSends(10));

    List<CompletableFuture<NotificationId>> accepted = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accepted.add(fixture.service().send("alice", chat(i)));
    }
    CompletableFuture<NotificationId> refused = fixture.service().send("alice", chat(10));
    CompletableFuture<List<NotificationId>> refusedToMany = fixture.service().send(List.of("bob", "carol"), chat(11));

    assertThat(accepted).allSatisfy(send -> assertThat(send).isNotDone());
    assertThat(refused).isCompletedExceptionally();
    assertThat(Await.failure(refused)).isInstanceOf(NotificationException.class)
        .hasMessage("backlog full: 10 sends are waiting to be stored");
    assertThat(Await.failure(refusedToMany)).isInstanceOf(NotificationException.class);
    assertThat(fixture.service().queueDepth()).as("the unstored sends count in the backlog").isEqualTo(10);

    store.resumeSaves();

    assertThat(accepted).allSatisfy(send -> assertThat(Await.result(send)).isNotNull());
    assertThat(Await.result(fixture.service().send("alice", chat(12)))).isNotNull();
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(11);
    assertThat(Await.result(fixture.service().unreadCount("bob"))).isZero();
  }
}
