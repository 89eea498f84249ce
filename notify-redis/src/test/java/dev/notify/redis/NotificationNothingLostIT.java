package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.StoredNotification;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NodeJvm;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Nothing accepted by {@code send} is lost, for any device, when a node dies abruptly and Redis restarts. Two nodes
 * run in JVMs of their own on a Redis of the test's own ({@code appendonly yes}, {@code appendfsync always}); 100
 * users with two devices each (their own device ids; one prefers node 1, the other node 2), every device knowing
 * both node URLs and failing over. A socket-less sender sends 5,000 notifications (250/s, each with an idempotency
 * key, and sending again, with the same key, what failed on its side while Redis was down); meanwhile node 1 is
 * killed (SIGKILL) and, once its devices are on node 2, Redis is killed and restarted on the same port and
 * directory. Then every device must hold every notification accepted for its user, each once after
 * de-duplication by id, no user may have an extra one (a send stored but failed on the caller's side was sent
 * again with its key: same id), and the store must show each as delivered. Jobs that node 1 had claimed come back
 * after the visibility timeout (ack timeout + 25 s), hence the deadlines.
 */
class NotificationNothingLostIT {

  private static final int USERS = 100;
  private static final int NOTIFICATIONS = 5_000;
  private static final long ACK_TIMEOUT_MS = 5_000;
  private static final long RETRY_DELAY_MS = 500;

  @Test
  void nothingAcceptedIsLostWhenANodeIsKilledAndRedisRestarts() throws Exception {
    String adapterKey = RedisExtension.uniqueKey("lost-adapter");
    String prefix = RedisExtension.uniqueKey("lost-store");
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    List<Device> devices = new ArrayList<>();
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
        NodeJvm node1 = NodeJvm.start("nothing-lost-node1", redis.url(), adapterKey, prefix, ACK_TIMEOUT_MS,
            RETRY_DELAY_MS);
        NodeJvm node2 = NodeJvm.start("nothing-lost-node2", redis.url(), adapterKey, prefix, ACK_TIMEOUT_MS,
            RETRY_DELAY_MS);
        RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(redis.url()).key(adapterKey)
            .reconnectMinDelay(Duration.ofMillis(50)).reconnectMaxDelay(Duration.ofSeconds(1)).build());
        RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
            .url(redis.url()).keyPrefix(prefix).build());
        NotificationService sender = NotificationService.builder().emitter(emitter).store(store).build()) {

      for (int u = 0; u < USERS; u++) {
        devices.add(Device.start("user-" + u, "phone", true, node1.url(), node2.url()));
        devices.add(Device.start("user-" + u, "laptop", true, node2.url(), node1.url()));
      }
      for (Device d : devices) {
        d.firstConnect().get(60, TimeUnit.SECONDS);
      }

      // the sender: 5 a tick, every 20 ms; what fails (Redis down) is sent again with the same idempotency key
      Map<Integer, NotificationId> accepted = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Integer> toSend = new ConcurrentLinkedQueue<>();
      for (int k = 0; k < NOTIFICATIONS; k++) {
        toSend.add(k);
      }
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger inFlight = new AtomicInteger();
      pacer.scheduleAtFixedRate(() -> {
        for (int i = 0; i < 5 && inFlight.get() < 500; i++) {
          Integer k = toSend.poll();
          if (k == null) {
            return;
          }
          inFlight.incrementAndGet();
          sender.send(user(k), Notification.of("seq", "Notification " + k, "n").data(Map.of("seq", k))
                  .idempotencyKey("seq-" + k))
              .whenComplete((id, error) -> {
                inFlight.decrementAndGet();
                if (error == null) {
                  accepted.put(k, id);
                } else {
                  refused.incrementAndGet();
                  toSend.add(k);
                }
              });
        }
      }, 0, 20, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= NOTIFICATIONS * 3 / 10);
      node1.kill();
      int acceptedAtNodeKill = accepted.size();
      long claimedAtKill = claimedJobs(redis, prefix);
      await().atMost(Duration.ofSeconds(30)).until(() -> devices.stream().allMatch(d ->
          node2.url().equals(d.connectedTo())));

      await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= NOTIFICATIONS * 6 / 10);
      redis.kill();
      int acceptedAtRedisKill = accepted.size();
      redis.restart();

      await().atMost(Duration.ofSeconds(90)).until(() -> accepted.size() == NOTIFICATIONS);
      pacer.shutdownNow();

      Map<String, Set<String>> expected = new HashMap<>();
      accepted.forEach((k, id) -> expected.computeIfAbsent(user(k), u -> new HashSet<>()).add(id.toString()));
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
            devices.stream().allMatch(d -> d.ids().containsAll(expected.getOrDefault(d.user(), Set.of()))));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError("devices miss notifications: " + missing(devices, expected, store, redis, prefix),
            e);
      }

      Set<Integer> notYetDelivered = ConcurrentHashMap.newKeySet();
      notYetDelivered.addAll(accepted.keySet());
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        Map<Integer, CompletableFuture<StoredNotification>> finds = new HashMap<>();
        for (int k : notYetDelivered) {
          finds.put(k, store.find(user(k), accepted.get(k)));
        }
        for (Map.Entry<Integer, CompletableFuture<StoredNotification>> e : finds.entrySet()) {
          StoredNotification n = e.getValue().get(10, TimeUnit.SECONDS);
          if (n != null && n.status() != NotificationStatus.PENDING) {
            notYetDelivered.remove(e.getKey());
          }
        }
        return notYetDelivered.isEmpty();
      });

      await().atMost(Duration.ofSeconds(60)).until(() -> store.exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);

      int deliveries = 0;
      int unique = 0;
      for (Device d : devices) {
        Set<String> mine = expected.getOrDefault(d.user(), Set.of());
        assertThat(d.ids()).as("%s has exactly the notifications accepted for its user", d)
            .containsExactlyInAnyOrderElementsOf(mine);
        deliveries += d.deliveries();
        unique += d.ids().size();
      }
      assertThat(unique).as("every device of every user").isEqualTo(2 * NOTIFICATIONS);
      for (int u = 0; u < USERS; u++) {
        assertThat(store.unreadCount("user-" + u, java.time.Instant.now()).get(5, TimeUnit.SECONDS))
            .as("user-%d stored each notification once", u).isEqualTo(expected.getOrDefault("user-" + u, Set.of()).size());
      }
      System.out.printf("nothing lost: %d notifications accepted for %d users of 2 devices (%d sends refused while "
              + "Redis was down and sent again with their key); node 1 killed after %d, Redis restarted after %d; "
              + "devices received %d deliveries, %d unique (device, id) pairs after de-duplication (%d duplicates), "
              + "every device has every notification of its user and no other, each stored once, all %d marked "
              + "delivered in the store; %d devices reconnected to node 2; %d jobs were claimed (by either node) "
              + "when node 1 died, the queue is empty now%n",
          accepted.size(), USERS, refused.get(), acceptedAtNodeKill, acceptedAtRedisKill, deliveries, unique,
          deliveries - unique, accepted.size(),
          devices.stream().filter(d -> d.connects() > 1).count(), claimedAtKill);
    } finally {
      pacer.shutdownNow();
      devices.forEach(Device::close);
    }
  }

  /** What is missing where, for the failure message: ids, their state in the store, the queue. */
  private static String missing(List<Device> devices, Map<String, Set<String>> expected, RedisNotificationStore store,
      RedisServer redis, String prefix) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Device d : devices) {
      Set<String> missing = new HashSet<>(expected.getOrDefault(d.user(), Set.of()));
      missing.removeAll(d.ids());
      for (String id : missing) {
        if (shown++ < 20) {
          String state;
          try {
            StoredNotification n = store.find(d.user(), NotificationId.of(id)).get(5, TimeUnit.SECONDS);
            state = n == null ? "not in the store" : n.status().toString();
          } catch (Exception e) {
            state = e.toString();
          }
          sb.append(d).append(" connected=").append(d.connected()).append(" connects=").append(d.connects())
              .append(" misses ").append(id).append(" (").append(state).append("); ");
        }
      }
    }
    try {
      sb.append("queue depth ").append(store.exactQueueDepth().get(5, TimeUnit.SECONDS)).append(", claimed ")
          .append(claimedJobs(redis, prefix));
    } catch (Exception e) {
      sb.append(e);
    }
    return sb.append(", ").append(shown).append(" missing in all").toString();
  }

  /** Jobs claimed and not completed: the pending entries of the consumer group, summed over the streams. */
  private static long claimedJobs(RedisServer redis, String prefix) {
    long sum = 0;
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", redis.port()))) {
      for (String priority : new String[] {"urgent", "normal", "low"}) {
        c.sendCommand(Protocol.Command.XPENDING, "{" + prefix + ":q}:" + priority, "notify");
        Object reply = c.getOne();
        if (reply instanceof List<?> summary && !summary.isEmpty() && summary.get(0) instanceof Long count) {
          sum += count;
        }
      }
    } catch (RuntimeException e) {
      return -1;
    }
    return sum;
  }

  private static String user(int seq) {
    return "user-" + (seq % USERS);
  }
}
