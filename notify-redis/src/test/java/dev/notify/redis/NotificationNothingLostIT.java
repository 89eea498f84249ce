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
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Nothing accepted by {@code send} is lost when a node dies abruptly and Redis restarts. Two nodes run in JVMs of
 * their own on a Redis of the test's own (appendonly yes); 200 users, each one device that knows both node URLs
 * and fails over. A socket-less sender sends 5,000 notifications (250/s, retrying what Redis refused while it was
 * down); meanwhile node 1 is killed (SIGKILL) and, once its devices are on node 2, Redis is killed and restarted on
 * the same port and directory. Then every device must hold every notification accepted for its user (any extra
 * one is a send that failed on the caller's side but was stored: it must belong to that user), each once after
 * de-duplication by id, and the store must show each as delivered. Jobs that node 1 had claimed come back after
 * the visibility timeout (ack timeout + 25 s), hence the deadlines.
 */
class NotificationNothingLostIT {

  private static final int USERS = 200;
  private static final int NOTIFICATIONS = 5_000;
  private static final long ACK_TIMEOUT_MS = 5_000;
  private static final long RETRY_DELAY_MS = 500;

  @Test
  void nothingAcceptedIsLostWhenANodeIsKilledAndRedisRestarts() throws Exception {
    String adapterKey = RedisExtension.uniqueKey("lost-adapter");
    String prefix = RedisExtension.uniqueKey("lost-store");
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    List<Device> devices = new ArrayList<>();
    try (RedisServer redis = RedisServer.start("--appendonly", "yes");
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
        String[] urls = u % 2 == 0 ? new String[] {node1.url(), node2.url()} : new String[] {node2.url(), node1.url()};
        devices.add(Device.start("user-" + u, true, urls));
      }
      for (Device d : devices) {
        d.firstConnect().get(60, TimeUnit.SECONDS);
      }

      // the sender: 5 a tick, every 20 ms; what fails (Redis down) is sent again (same sequence number, new id)
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
          sender.send(user(k), Notification.of("seq", "Notification " + k, "n").data(Map.of("seq", k)))
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
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
          devices.stream().allMatch(d -> d.ids().containsAll(expected.getOrDefault(d.user(), Set.of()))));

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
      int extra = 0;
      for (Device d : devices) {
        Set<String> mine = expected.getOrDefault(d.user(), Set.of());
        assertThat(d.ids()).as("%s has every notification accepted for it", d.user()).containsAll(mine);
        for (String id : d.ids()) {
          if (!mine.contains(id)) {
            extra++;
            assertThat(store.find(d.user(), NotificationId.of(id)).get(5, TimeUnit.SECONDS))
                .as("an id %s got that was not accepted for it must still be its own", d.user()).isNotNull();
          }
        }
        deliveries += d.deliveries();
        unique += d.ids().size();
      }
      assertThat(unique - extra).isEqualTo(NOTIFICATIONS);
      System.out.printf("nothing lost: %d notifications accepted for %d users (%d sends refused while Redis was "
              + "down and sent again); node 1 killed after %d, Redis restarted after %d; devices received %d "
              + "deliveries, %d unique ids after de-duplication (%d duplicates), all %d accepted ones present and "
              + "%d extra ones (stored but refused on the caller's side), all %d marked delivered in the store; "
              + "%d devices reconnected to node 2; %d jobs were claimed (by either node) when node 1 died, the "
              + "queue is empty now%n",
          accepted.size(), USERS, refused.get(), acceptedAtNodeKill, acceptedAtRedisKill, deliveries, unique,
          deliveries - unique, NOTIFICATIONS, extra, accepted.size(),
          devices.stream().filter(d -> d.connects() > 1).count(), claimedAtKill);
    } finally {
      pacer.shutdownNow();
      devices.forEach(Device::close);
    }
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
