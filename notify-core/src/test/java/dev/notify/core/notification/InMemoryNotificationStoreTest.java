package dev.notify.core.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The single-node store: inbox state per user, retention, and the durable delivery queue, on a fake clock. */
class InMemoryNotificationStoreTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration VISIBILITY = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(T0);
  private final NotificationId.Generator ids = new NotificationId.Generator(clock);
  private final InMemoryNotificationStore store = new InMemoryNotificationStore();

  // ---- helpers ----

  private StoredNotification notification(String userId) {
    return notification(userId, Priority.NORMAL, null);
  }

  private StoredNotification notification(String userId, Priority priority, Duration timeToLive) {
    Instant now = clock.instant();
    return new StoredNotification(ids.next(), userId, "order", "Order shipped", "on its way", NullNode.getInstance(),
        priority, now, timeToLive == null ? null : now.plus(timeToLive), NotificationStatus.PENDING, null, null, null);
  }

  /** Saves a new pending notification with its delivery job, one millisecond after the previous one. */
  private StoredNotification saved(InMemoryNotificationStore target, String userId, Priority priority,
      Duration timeToLive) {
    clock.advance(Duration.ofMillis(1));
    StoredNotification n = notification(userId, priority, timeToLive);
    done(target.save(n, true));
    return n;
  }

  private StoredNotification saved(String userId) {
    return saved(store, userId, Priority.NORMAL, null);
  }

  private List<StoredNotification> saved(String userId, int count) {
    List<StoredNotification> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(saved(userId));
    }
    return list;
  }

  /** The in-memory store completes every future before returning it. */
  private static <T> T done(CompletableFuture<T> future) {
    assertThat(future).isDone();
    return future.join();
  }

  private StoredNotification find(String userId, NotificationId id) {
    return done(store.find(userId, id));
  }

  private static List<NotificationId> idsOf(List<StoredNotification> list) {
    return list.stream().map(StoredNotification::id).toList();
  }

  private List<NotificationId> claimedIds(int max) {
    return done(store.claim("node-1", max, VISIBILITY, clock.instant())).stream().map(DeliveryJob::id).toList();
  }

  // ---- construction ----

  @Test
  void retentionSettingsMustBePositive() {
    assertThatThrownBy(() -> new InMemoryNotificationStore(0, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxPerUser must be > 0, was 0");
    assertThatThrownBy(() -> new InMemoryNotificationStore(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAge must be > 0, was PT0S");
  }

  @Nested
  class Inbox {

    @Test
    void aSavedNotificationIsFoundByItsOwnerOnly() {
      StoredNotification n = saved("alice");

      assertThat(find("alice", n.id())).isEqualTo(n);
      assertThat(find("bob", n.id())).isNull();
      assertThat(find("alice", ids.next())).isNull();
    }

    @Test
    void markDeliveredChangesAPendingNotificationOfItsOwnerOnce() {
      StoredNotification n = saved("alice");
      Instant at = T0.plusSeconds(10);

      assertThat(done(store.markDelivered("bob", List.of(), List.of(n.id()), at))).isEmpty();
      assertThat(find("alice", n.id()).status()).isEqualTo(NotificationStatus.PENDING);

      assertThat(done(store.markDelivered("alice", List.of(), List.of(n.id()), at))).containsExactly(n.id());
      assertThat(done(store.markDelivered("alice", List.of(), List.of(n.id()), at.plusSeconds(5)))).isEmpty();

      StoredNotification delivered = find("alice", n.id());
      assertThat(delivered.status()).isEqualTo(NotificationStatus.DELIVERED);
      assertThat(delivered.deliveredAt()).isEqualTo(at);
      assertThat(delivered.readAt()).isNull();
    }

    @Test
    void markDeliveredIgnoresUnknownIdsAndLeavesReadOnesRead() {
      StoredNotification read = saved("alice");
      StoredNotification pending = saved("alice");
      done(store.markRead("alice", List.of(read.id()), T0.plusSeconds(1)));

      List<NotificationId> changed = done(store.markDelivered("alice", List.of(), List.of(ids.next(), read.id(), pending.id()),
          T0.plusSeconds(2)));

      assertThat(changed).containsExactly(pending.id());
      assertThat(find("alice", read.id()).status()).isEqualTo(NotificationStatus.READ);
      assertThat(find("alice", read.id()).deliveredAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void markReadChangesANotificationOfItsOwnerOnce() {
      StoredNotification n = saved("alice");
      Instant at = T0.plusSeconds(10);

      assertThat(done(store.markRead("bob", List.of(n.id()), at))).isEmpty();
      assertThat(find("alice", n.id()).status()).isEqualTo(NotificationStatus.PENDING);

      assertThat(done(store.markRead("alice", List.of(n.id(), n.id()), at))).containsExactly(n.id());
      assertThat(done(store.markRead("alice", List.of(n.id()), at.plusSeconds(5)))).isEmpty();

      StoredNotification read = find("alice", n.id());
      assertThat(read.status()).isEqualTo(NotificationStatus.READ);
      assertThat(read.readAt()).isEqualTo(at);
      assertThat(read.deliveredAt()).as("read implies delivered").isEqualTo(at);
    }

    @Test
    void markReadKeepsTheTimeOfDelivery() {
      StoredNotification n = saved("alice");
      done(store.markDelivered("alice", List.of(), List.of(n.id()), T0.plusSeconds(1)));

      done(store.markRead("alice", List.of(n.id()), T0.plusSeconds(9)));

      assertThat(find("alice", n.id()).deliveredAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(find("alice", n.id()).readAt()).isEqualTo(T0.plusSeconds(9));
    }

    @Test
    void markAllReadMarksEveryUnreadNotificationOfTheUserOnly() {
      StoredNotification a1 = saved("alice");
      StoredNotification a2 = saved("alice");
      StoredNotification a3 = saved("alice");
      StoredNotification b1 = saved("bob");
      done(store.markRead("alice", List.of(a2.id()), clock.instant()));
      done(store.markDelivered("alice", List.of(), List.of(a3.id()), clock.instant()));

      assertThat(done(store.markAllRead("alice", clock.instant()))).containsExactlyInAnyOrder(a1.id(), a3.id());
      assertThat(done(store.markAllRead("alice", clock.instant()))).isEmpty();

      assertThat(done(store.unreadCount("alice", clock.instant()))).isZero();
      assertThat(find("bob", b1.id()).status()).isEqualTo(NotificationStatus.PENDING);
      assertThat(done(store.markAllRead("nobody", clock.instant()))).isEmpty();
    }

    @Test
    void pendingListsPendingNotificationsOldestFirstInPages() {
      List<StoredNotification> all = saved("alice", 6);
      saved("bob");
      done(store.markDelivered("alice", List.of(), List.of(all.get(1).id()), clock.instant()));
      done(store.markRead("alice", List.of(all.get(4).id()), clock.instant()));

      List<StoredNotification> first = done(store.undelivered("alice", null, null, 2, clock.instant()));
      List<StoredNotification> second = done(store.undelivered("alice", null, first.get(1).id(), 2, clock.instant()));
      List<StoredNotification> third = done(store.undelivered("alice", null, second.get(1).id(), 2, clock.instant()));

      assertThat(idsOf(first)).containsExactly(all.get(0).id(), all.get(2).id());
      assertThat(idsOf(second)).containsExactly(all.get(3).id(), all.get(5).id());
      assertThat(third).isEmpty();
      assertThat(done(store.undelivered("nobody", null, null, 10, clock.instant()))).isEmpty();
    }

    @Test
    void theInboxIsPagedNewestFirstWithCursors() {
      List<StoredNotification> all = saved("alice", 5);
      saved("bob");
      done(store.markRead("alice", List.of(all.get(3).id()), clock.instant()));

      InboxPage first = done(store.inbox("alice", null, 2, clock.instant()));
      InboxPage second = done(store.inbox("alice", first.nextCursor(), 2, clock.instant()));
      InboxPage third = done(store.inbox("alice", second.nextCursor(), 2, clock.instant()));

      assertThat(idsOf(first.items())).containsExactly(all.get(4).id(), all.get(3).id());
      assertThat(first.items().get(1).status()).isEqualTo(NotificationStatus.READ);
      assertThat(idsOf(second.items())).containsExactly(all.get(2).id(), all.get(1).id());
      assertThat(idsOf(third.items())).containsExactly(all.get(0).id());
      assertThat(first.nextCursor()).isNotNull();
      assertThat(second.nextCursor()).isNotNull();
      assertThat(third.nextCursor()).isNull();
    }

    @Test
    void aFullLastInboxPageHasNoCursor() {
      List<StoredNotification> all = saved("alice", 4);

      InboxPage first = done(store.inbox("alice", null, 2, clock.instant()));
      InboxPage second = done(store.inbox("alice", first.nextCursor(), 2, clock.instant()));

      assertThat(idsOf(second.items())).containsExactly(all.get(1).id(), all.get(0).id());
      assertThat(second.nextCursor()).isNull();
      assertThat(done(store.inbox("nobody", null, 2, clock.instant())).items()).isEmpty();
    }

    @Test
    void unreadCountCountsPendingAndDeliveredButNotRead() {
      List<StoredNotification> all = saved("alice", 4);
      saved("bob");
      done(store.markDelivered("alice", List.of(), List.of(all.get(0).id()), clock.instant()));
      done(store.markRead("alice", List.of(all.get(1).id()), clock.instant()));

      assertThat(done(store.unreadCount("alice", clock.instant()))).isEqualTo(3);
      assertThat(done(store.unreadCount("bob", clock.instant()))).isEqualTo(1);
      assertThat(done(store.unreadCount("nobody", clock.instant()))).isZero();
    }

    @Test
    void anExpiredNotificationIsNeitherPendingNorListedNorCountedNorMarkedByMarkAllRead() {
      StoredNotification shortLived = saved(store, "alice", Priority.NORMAL, Duration.ofMinutes(5));
      StoredNotification lasting = saved("alice");
      clock.advance(Duration.ofMinutes(4));
      assertThat(done(store.unreadCount("alice", clock.instant()))).isEqualTo(2);

      clock.advance(Duration.ofMinutes(1));
      Instant now = clock.instant();

      assertThat(idsOf(done(store.undelivered("alice", null, null, 10, now)))).containsExactly(lasting.id());
      assertThat(idsOf(done(store.inbox("alice", null, 10, now)).items())).containsExactly(lasting.id());
      assertThat(done(store.unreadCount("alice", now))).isEqualTo(1);
      assertThat(done(store.markAllRead("alice", now))).containsExactly(lasting.id());
      assertThat(shortLived.isExpired(now)).isTrue();
    }

    @Test
    void retentionByCountDropsTheOldestNotificationsOfThatUser() {
      InMemoryNotificationStore small = new InMemoryNotificationStore(3, Duration.ofDays(1));
      List<StoredNotification> alice = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        alice.add(saved(small, "alice", Priority.NORMAL, null));
      }
      StoredNotification bob = saved(small, "bob", Priority.NORMAL, null);

      InboxPage inbox = done(small.inbox("alice", null, 10, clock.instant()));

      assertThat(idsOf(inbox.items())).containsExactly(alice.get(4).id(), alice.get(3).id(), alice.get(2).id());
      assertThat(done(small.find("alice", alice.get(0).id()))).isNull();
      assertThat(done(small.unreadCount("alice", clock.instant()))).isEqualTo(3);
      assertThat(done(small.find("bob", bob.id()))).isEqualTo(bob);
    }

    @Test
    void retentionByAgeDropsNotificationsOlderThanMaxAge() {
      InMemoryNotificationStore hourly = new InMemoryNotificationStore(100, Duration.ofHours(1));
      StoredNotification old = saved(hourly, "alice", Priority.NORMAL, null);
      clock.advance(Duration.ofMinutes(30));
      StoredNotification recent = saved(hourly, "alice", Priority.NORMAL, null);
      clock.advance(Duration.ofMinutes(31));
      Instant now = clock.instant();

      assertThat(idsOf(done(hourly.inbox("alice", null, 10, now)).items())).containsExactly(recent.id());
      assertThat(idsOf(done(hourly.undelivered("alice", null, null, 10, now)))).containsExactly(recent.id());
      assertThat(done(hourly.unreadCount("alice", now))).isEqualTo(1);
      assertThat(done(hourly.find("alice", old.id()))).isNull();

      clock.advance(Duration.ofMinutes(30));
      assertThat(done(hourly.inbox("alice", null, 10, clock.instant())).items()).isEmpty();
      assertThat(done(hourly.unreadCount("alice", clock.instant()))).isZero();
    }
  }

  @Nested
  class Queue {

    @Test
    void aSavedNotificationQueuesOneJobUnlessItIsNotToBeDelivered() {
      StoredNotification queued = saved("alice");
      done(store.save(notification("alice"), false));

      assertThat(store.queueDepth()).isEqualTo(1);
      List<DeliveryJob> jobs = done(store.claim("node-1", 10, VISIBILITY, clock.instant()));
      assertThat(jobs).singleElement().satisfies(job -> {
        assertThat(job.id()).isEqualTo(queued.id());
        assertThat(job.userId()).isEqualTo("alice");
        assertThat(job.priority()).isEqualTo(Priority.NORMAL);
        assertThat(job.attempt()).isEqualTo(1);
        assertThat(job.handle()).isNotNull();
      });
    }

    @Test
    void urgentJobsAreClaimedBeforeNormalOnesAndNormalBeforeLow() {
      StoredNotification low = saved(store, "alice", Priority.LOW, null);
      StoredNotification normal = saved(store, "bob", Priority.NORMAL, null);
      StoredNotification urgent = saved(store, "carol", Priority.URGENT, null);
      StoredNotification urgent2 = saved(store, "alice", Priority.URGENT, null);

      assertThat(claimedIds(1)).containsExactly(urgent.id());
      assertThat(claimedIds(10)).containsExactly(urgent2.id(), normal.id(), low.id());
    }

    @Test
    void jobsOfOnePriorityAreClaimedOldestFirst() {
      List<StoredNotification> all = saved("alice", 3);

      assertThat(claimedIds(2)).containsExactly(all.get(0).id(), all.get(1).id());
      assertThat(claimedIds(2)).containsExactly(all.get(2).id());
    }

    @Test
    void aRetriedJobIsNotClaimedBeforeItsTimeAndComesBackWithTheNextAttempt() {
      saved("alice");
      DeliveryJob first = done(store.claim("node-1", 1, VISIBILITY, clock.instant())).get(0);

      done(store.retry(first, clock.instant().plusSeconds(2)));

      assertThat(claimedIds(10)).isEmpty();
      clock.advance(Duration.ofMillis(1999));
      assertThat(claimedIds(10)).isEmpty();
      clock.advance(Duration.ofMillis(1));
      DeliveryJob second = done(store.claim("node-1", 1, VISIBILITY, clock.instant())).get(0);
      assertThat(second.id()).isEqualTo(first.id());
      assertThat(second.attempt()).isEqualTo(2);
      assertThat(second.notBefore()).isEqualTo(clock.instant());

      done(store.retry(second, clock.instant()));
      assertThat(done(store.claim("node-1", 1, VISIBILITY, clock.instant())).get(0).attempt()).isEqualTo(3);
    }

    @Test
    void aDueJobIsServedBeforeALaterRetryOfHigherPriority() {
      StoredNotification urgent = saved(store, "alice", Priority.URGENT, null);
      DeliveryJob job = done(store.claim("node-1", 1, VISIBILITY, clock.instant())).get(0);
      done(store.retry(job, clock.instant().plusSeconds(10)));
      StoredNotification low = saved(store, "bob", Priority.LOW, null);

      assertThat(claimedIds(10)).containsExactly(low.id());
      clock.advance(Duration.ofSeconds(10));
      assertThat(claimedIds(10)).containsExactly(urgent.id());
    }

    @Test
    void aClaimedJobIsInvisibleUntilItsVisibilityTimeoutThenClaimedAgain() {
      StoredNotification n = saved("alice");
      DeliveryJob claimed = done(store.claim("node-1", 10, VISIBILITY, clock.instant())).get(0);

      assertThat(done(store.claim("node-2", 10, VISIBILITY, clock.instant()))).isEmpty();
      clock.advance(VISIBILITY.minusMillis(1));
      assertThat(done(store.claim("node-2", 10, VISIBILITY, clock.instant()))).isEmpty();
      clock.advance(Duration.ofMillis(1));

      List<DeliveryJob> reclaimed = done(store.claim("node-2", 10, VISIBILITY, clock.instant()));
      assertThat(reclaimed).singleElement().satisfies(job -> {
        assertThat(job.id()).isEqualTo(n.id());
        assertThat(job.attempt()).isEqualTo(claimed.attempt());
      });
      assertThat(store.queueDepth()).isEqualTo(1);
    }

    @Test
    void aCompletedJobLeavesTheQueueForGood() {
      saved("alice");
      DeliveryJob job = done(store.claim("node-1", 10, VISIBILITY, clock.instant())).get(0);

      done(store.complete(job));

      assertThat(store.queueDepth()).isZero();
      clock.advance(VISIBILITY.multipliedBy(2));
      assertThat(claimedIds(10)).isEmpty();
    }

    @Test
    void queueDepthCountsWaitingAndClaimedJobs() {
      saved("alice", 3);
      saved(store, "bob", Priority.URGENT, null);
      done(store.save(notification("carol"), false));
      assertThat(store.queueDepth()).isEqualTo(4);

      List<DeliveryJob> jobs = done(store.claim("node-1", 2, VISIBILITY, clock.instant()));
      assertThat(store.queueDepth()).isEqualTo(4);

      done(store.complete(jobs.get(0)));
      assertThat(store.queueDepth()).isEqualTo(3);

      done(store.retry(jobs.get(1), clock.instant().plusSeconds(60)));
      assertThat(store.queueDepth()).isEqualTo(3);

      for (DeliveryJob job : done(store.claim("node-1", 10, VISIBILITY, clock.instant()))) {
        done(store.complete(job));
      }
      assertThat(store.queueDepth()).isEqualTo(1);
    }
  }
}
