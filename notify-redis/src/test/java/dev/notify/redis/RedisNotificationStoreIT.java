package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.notify.core.notification.DeliveryJob;
import dev.notify.core.notification.NewDevicePolicy;
import dev.notify.core.notification.NotificationException;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.Priority;
import dev.notify.core.notification.StoredNotification;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisKeys;
import dev.notify.redis.testing.RedisServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * What only the Redis store has: its key layout (hash-tagged, inbox keys expiring with maxAge), scripts sent again
 * after the server lost them, fast failures while Redis is unreachable, and data that survives a killed Redis
 * with {@code appendonly yes} and {@code appendfsync always}, consumer group and claimed jobs included.
 */
@ExtendWith(RedisExtension.class)
class RedisNotificationStoreIT {

  private final NotificationId.Generator ids = new NotificationId.Generator(Clock.systemUTC());

  @Test
  void aUsersKeysShareOneHashTagAndExpireWithMaxAgeWhileTheQueueKeysDoNot() throws Exception {
    String prefix = RedisExtension.uniqueKey("layout");
    try (RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .url(RedisExtension.url()).keyPrefix(prefix).maxAge(Duration.ofHours(1)).build())) {
      get(store.save(note("42", Priority.URGENT, Instant.now().plusSeconds(60)), true));

      try (Connection c = connect(RedisExtension.url())) {
        for (String part : List.of("ids", "n", "st", "x", "pend", "unread")) {
          String key = "{" + prefix + ":u:42}:" + part;
          c.sendCommand(Protocol.Command.PTTL, key);
          assertThat(c.getIntegerReply()).as("PTTL of %s", key)
              .isBetween(Duration.ofHours(1).toMillis(), Duration.ofHours(1).plusMinutes(2).toMillis());
        }
        c.sendCommand(Protocol.Command.XLEN, "{" + prefix + ":q}:urgent");
        assertThat(c.getIntegerReply()).isEqualTo(1);
        c.sendCommand(Protocol.Command.PTTL, "{" + prefix + ":q}:urgent");
        assertThat(c.getIntegerReply()).as("the queue never expires").isEqualTo(-1);
      }
    } finally {
      RedisKeys.deleteStoreKeys(RedisExtension.url(), prefix);
    }
  }

  @Test
  void keysMadeBetweenTwoRefreshesOfTheInboxExpiryExpireToo() throws Exception {
    String prefix = RedisExtension.uniqueKey("layout");
    try (RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .url(RedisExtension.url()).keyPrefix(prefix).maxAge(Duration.ofHours(1)).build())) {
      get(store.addDevice("42", "phone", NewDevicePolicy.unread(), 5, Instant.now()));
      StoredNotification first = note("42", Priority.NORMAL, null);
      get(store.save(first, false));
      // the only pending one delivered and read: its user's pending and unread sets are gone...
      get(store.markDelivered("42", List.of("phone"), List.of(first.id()), Instant.now()));
      get(store.markRead("42", List.of(first.id()), Instant.now()));
      // ...and made again by the next save, a moment after the inbox's expiry was refreshed, with the first
      // expiring notification and the first idempotency key
      StoredNotification second = note("42", Priority.NORMAL, Instant.now().plusSeconds(60));
      get(store.save(new StoredNotification(second.id(), "42", "type", "title", "message", NullNode.getInstance(),
          Priority.NORMAL, second.createdAt(), second.expiresAt(), NotificationStatus.PENDING, null, null, "k1"),
          false));

      try (Connection c = connect(RedisExtension.url())) {
        for (String part : List.of("ids", "n", "st", "x", "pend", "unread", "idem", "ik", "devs", "since",
            "d:phone")) {
          String key = "{" + prefix + ":u:42}:" + part;
          c.sendCommand(Protocol.Command.PTTL, key);
          assertThat(c.getIntegerReply()).as("PTTL of %s", key)
              .isBetween(Duration.ofHours(1).toMillis(), Duration.ofHours(1).plusMinutes(2).toMillis());
        }
      }
    } finally {
      RedisKeys.deleteStoreKeys(RedisExtension.url(), prefix);
    }
  }

  @Test
  void scriptsAreSentAgainWhenTheServerLostThem() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisNotificationStore store = RedisNotificationStore.create(redis.url())) {
      StoredNotification n = note("alice", Priority.NORMAL, null);
      get(store.save(n, true));
      try (Connection c = connect(redis.url())) {
        c.sendCommand(Protocol.Command.SCRIPT, "FLUSH");
        assertThat(c.getStatusCodeReply()).isEqualTo("OK");
      }

      assertThat(get(store.find("alice", n.id()))).isEqualTo(n);
      assertThat(get(store.claim("node", 10, Duration.ofSeconds(30), Instant.now()))).extracting(DeliveryJob::id)
          .containsExactly(n.id());
    }
  }

  @Test
  void whileRedisIsUnreachableCallsFailAtOnceAndQueueDepthDoesNotBlock() throws Exception {
    int port = RedisServer.freePort();
    try (RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .connection(RedisConnectionOptions.builder().url("redis://127.0.0.1:" + port)
            .connectTimeout(Duration.ofMillis(500)).build()).build())) {
      long start = System.nanoTime();
      CompletableFuture<NotificationId> save = store.save(note("alice", Priority.NORMAL, null), true);
      long depth = store.queueDepth();
      long callMillis = (System.nanoTime() - start) / 1_000_000;

      Throwable failure = catchThrowable(() -> save.get(10, TimeUnit.SECONDS));
      assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(NotificationException.class)
          .hasMessageContaining("unreachable");
      assertThat(depth).as("nothing known yet").isZero();
      assertThat(callMillis).as("save() and queueDepth() on the calling thread, ms").isLessThan(500);
      assertThat(catchThrowable(() -> store.exactQueueDepth().get(10, TimeUnit.SECONDS)))
          .cause().isInstanceOf(NotificationException.class);
    }
  }

  @Test
  void withAppendonlyTheInboxTheQueueAndClaimedJobsSurviveAKilledRedis() throws Exception {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        RedisNotificationStore store = RedisNotificationStore.create(redis.url())) {
      StoredNotification delivered = note("alice", Priority.NORMAL, null);
      StoredNotification claimed = note("alice", Priority.URGENT, null);
      StoredNotification waiting = note("bob", Priority.LOW, null);
      get(store.save(delivered, false));
      get(store.save(claimed, true));
      get(store.save(waiting, true));
      get(store.markDelivered("alice", List.of(), List.of(delivered.id()), Instant.now()));
      Duration visibility = Duration.ofMillis(500);
      assertThat(get(store.claim("dead-node", 1, visibility, Instant.now()))).extracting(DeliveryJob::id)
          .containsExactly(claimed.id());

      redis.kill();
      redis.restart();

      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> get(store.find("alice", claimed.id())) != null);
      assertThat(get(store.find("alice", delivered.id())).status()).isEqualTo(NotificationStatus.DELIVERED);
      assertThat(get(store.undelivered("alice", null, null, 10, Instant.now()))).containsExactly(claimed);
      List<DeliveryJob> jobs = new java.util.ArrayList<>();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
        jobs.addAll(get(store.claim("node-2", 10, visibility, Instant.now())));
        return jobs.size() >= 2;
      });
      assertThat(jobs).extracting(DeliveryJob::id).as("the waiting job, and the dead node's once past its "
          + "visibility timeout").containsExactlyInAnyOrder(claimed.id(), waiting.id());
    }
  }

  @Test
  void callsMadeAtOnceForManyUsersAreMergedWithoutMixingUpTheirAnswers() throws Exception {
    String prefix = RedisExtension.uniqueKey("merged");
    int users = 50;
    try (RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .url(RedisExtension.url()).keyPrefix(prefix).build())) {
      List<StoredNotification> notes = new ArrayList<>();
      List<CompletableFuture<Void>> devices = new ArrayList<>();
      for (int u = 0; u < users; u++) {
        devices.add(store.addDevice("user-" + u, "phone", NewDevicePolicy.unread(), 5, Instant.now()));
        for (int k = 0; k < 4; k++) {
          notes.add(note("user-" + u, Priority.values()[k % 3], null));
        }
      }
      devices.forEach(CompletableFuture::join);
      List<CompletableFuture<NotificationId>> saves = new ArrayList<>();
      notes.forEach(n -> saves.add(store.save(n, true)));
      saves.forEach(CompletableFuture::join);

      // all at once, so that they queue behind each other and merge: each user's own ids, and another user's
      List<CompletableFuture<StoredNotification>> own = new ArrayList<>();
      List<CompletableFuture<StoredNotification>> foreign = new ArrayList<>();
      for (int i = 0; i < notes.size(); i++) {
        StoredNotification n = notes.get(i);
        own.add(store.find(n.userId(), n.id()));
        foreign.add(store.find(notes.get((i + 4) % notes.size()).userId(), n.id()));
      }
      for (int i = 0; i < notes.size(); i++) {
        assertThat(get(own.get(i))).isEqualTo(notes.get(i));
        assertThat(get(foreign.get(i))).as("another user's id").isNull();
      }

      // the even ones acked by the phone, the odd ones claimed by another user (which changes nothing)
      Instant at = Instant.now();
      List<CompletableFuture<List<NotificationId>>> marks = new ArrayList<>();
      for (int i = 0; i < notes.size(); i++) {
        StoredNotification n = notes.get(i);
        String user = i % 2 == 0 ? n.userId() : notes.get((i + 4) % notes.size()).userId();
        marks.add(store.markDelivered(user, List.of("phone"), List.of(n.id()), at));
      }
      for (int i = 0; i < notes.size(); i++) {
        assertThat(get(marks.get(i))).as("mark %d", i)
            .isEqualTo(i % 2 == 0 ? List.of(notes.get(i).id()) : List.of());
      }
      for (int u = 0; u < users; u++) {
        List<NotificationId> left = get(store.undelivered("user-" + u, "phone", null, 10, Instant.now())).stream()
            .map(StoredNotification::id).toList();
        assertThat(left).as("user-%d's phone still lacks the odd ones", u)
            .containsExactly(notes.get(4 * u + 1).id(), notes.get(4 * u + 3).id());
      }

      List<DeliveryJob> jobs = new ArrayList<>();
      List<DeliveryJob> batch;
      while (!(batch = get(store.claim("node", 100, Duration.ofSeconds(30), Instant.now()))).isEmpty()) {
        jobs.addAll(batch);
      }
      assertThat(jobs).hasSize(notes.size());
      List<CompletableFuture<Void>> completes = new ArrayList<>();
      jobs.forEach(job -> completes.add(store.complete(job)));
      completes.forEach(CompletableFuture::join);
      assertThat(get(store.exactQueueDepth())).isZero();
    } finally {
      RedisKeys.deleteStoreKeys(RedisExtension.url(), prefix);
    }
  }

  @Test
  void claimsLookForJobsPastTheirVisibilityTimeoutAtMostOnceASecondNotOnEveryClaim() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisNotificationStore store = RedisNotificationStore.create(redis.url());
        Connection c = connect(redis.url())) {
      Duration visibility = Duration.ofSeconds(30);
      get(store.claim("node-a", 10, visibility, Instant.now())); // the first claim looks, and makes the groups
      long start = System.nanoTime();
      long before = xautoclaimCalls(c);
      int claims = 50;
      for (int i = 0; i < claims; i++) {
        get(store.save(note("alice", Priority.NORMAL, null), true));
        List<DeliveryJob> claimed = get(store.claim("node-a", 10, visibility, Instant.now()));
        assertThat(claimed).as("claim %d", i).hasSize(1);
        get(store.complete(claimed.get(0)));
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertThat(xautoclaimCalls(c) - before).as("XAUTOCLAIM calls in %d claims over %d s", claims, seconds)
          .isLessThanOrEqualTo(3 * (seconds + 1));

      // with a visibility timeout of 500 ms a claim looks every 50 ms at most: a dead node's job is back in time
      StoredNotification stalled = note("bob", Priority.NORMAL, null);
      get(store.save(stalled, true));
      Duration shortVisibility = Duration.ofMillis(500);
      assertThat(get(store.claim("dead-node", 10, shortVisibility, Instant.now()))).extracting(DeliveryJob::id)
          .containsExactly(stalled.id());
      long claimedAt = System.nanoTime();
      List<DeliveryJob> back = awaitClaimed(store, "node-b", shortVisibility);
      assertThat(back).extracting(DeliveryJob::id).containsExactly(stalled.id());
      assertThat(Duration.ofNanos(System.nanoTime() - claimedAt)).as("back after the timeout, not seconds later")
          .isBetween(shortVisibility, Duration.ofSeconds(5));
    }
  }

  @Test
  void aClaimThatFindsTheConsumerGroupGoneMakesItAgainAndTheNextClaimsGetTheNewJobs() throws Exception {
    try (RedisServer redis = RedisServer.start();
        RedisNotificationStore store = RedisNotificationStore.create(redis.url());
        Connection c = connect(redis.url())) {
      Duration visibility = Duration.ofSeconds(30);
      get(store.claim("node-a", 10, visibility, Instant.now()));
      c.sendCommand(Protocol.Command.FLUSHALL); // a Redis without persistence, restarted: every key is gone
      c.getStatusCodeReply();
      StoredNotification n = note("alice", Priority.NORMAL, null);
      get(store.save(n, true));
      List<DeliveryJob> jobs = awaitClaimed(store, "node-a", visibility);
      assertThat(jobs).extracting(DeliveryJob::id).containsExactly(n.id());
    }
  }

  /** Claims as {@code node} every 20 ms until a claim gets jobs (10 s at most); what that claim got. */
  private static List<DeliveryJob> awaitClaimed(RedisNotificationStore store, String node, Duration visibility) {
    List<DeliveryJob> jobs = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
      jobs.addAll(get(store.claim(node, 10, visibility, Instant.now())));
      return !jobs.isEmpty();
    });
    return jobs;
  }

  private static long xautoclaimCalls(Connection c) {
    c.sendCommand(Protocol.Command.INFO, "commandstats");
    for (String line : c.getBulkReply().split("\r?\n")) {
      if (line.startsWith("cmdstat_xautoclaim:")) {
        return Long.parseLong(line.replaceAll(".*calls=(\\d+),.*", "$1"));
      }
    }
    return 0;
  }

  private StoredNotification note(String user, Priority priority, Instant expiresAt) {
    NotificationId id = ids.next();
    return new StoredNotification(id, user, "type", "title " + id, "message", NullNode.getInstance(), priority,
        id.timestamp(), expiresAt, NotificationStatus.PENDING, null, null, null);
  }

  private static Connection connect(String url) {
    URI uri = URI.create(url);
    return new Connection(new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()));
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
