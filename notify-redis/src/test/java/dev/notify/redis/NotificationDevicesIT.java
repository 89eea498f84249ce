package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisKeys;
import dev.notify.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-device guarantee on a cluster: two Java nodes with the Redis adapter and store, users with two devices
 * (official Java client, a device id in the handshake auth). A device offline while its sibling acks gets the
 * notification when it comes back; a device connected the whole time misses none while its sibling catches up;
 * with every device on one node, Redis restarted (AOF) gives every device every notification without a
 * reconnection, and nothing to the fallback.
 */
@ExtendWith(RedisExtension.class)
class NotificationDevicesIT {

  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(1);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> fallbacks = new CopyOnWriteArrayList<>();
  private final String adapterKey = RedisExtension.uniqueKey("devices-adapter");
  private final String storePrefix = RedisExtension.uniqueKey("devices-store");

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    RedisKeys.deleteStoreKeys(RedisExtension.url(), storePrefix);
  }

  @Test
  void aDeviceOfflineWhileItsSiblingAcksGetsTheNotificationWhenItComesBack() throws Exception {
    NotificationNode nodeA = node(RedisExtension.url(), b -> b);
    NotificationNode nodeB = node(RedisExtension.url(), b -> b);
    awaitServerCount(nodeA, 2);
    device("alice", "laptop", nodeB).close(); // known to the store, now offline
    Device phone = device("alice", "phone", nodeA);

    NotificationId id = nodeB.service().send("alice", Notification.of("order", "Order shipped", "#1001"))
        .get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> phone.ids().contains(id.toString()));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeA, "alice", id) == NotificationStatus.DELIVERED);

    Device laptop = device("alice", "laptop", nodeB);
    await().atMost(Duration.ofSeconds(10)).until(() -> laptop.ids().contains(id.toString()));
    assertThat(batchIds(laptop)).as("in its catch-up").contains(id.toString());
    Device phoneAgain = device("alice", "phone", nodeB);
    Device marker = device("alice", "marker", nodeB); // a new device: gets the unread inbox, so it has caught up
    await().atMost(Duration.ofSeconds(10)).until(() -> marker.ids().contains(id.toString()));
    assertThat(phoneAgain.ids()).as("the phone acked it: not sent again").doesNotContain(id.toString());
    assertThat(fallbacks).isEmpty();
  }

  @Test
  void aDeviceConnectedTheWholeTimeMissesNoneWhileItsSiblingCatchesUp() throws Exception {
    NotificationNode nodeA = node(RedisExtension.url(), b -> b);
    NotificationNode nodeB = node(RedisExtension.url(), b -> b.batchSize(10));
    awaitServerCount(nodeA, 2);
    device("bob", "laptop", nodeB).close();
    Device phone = device("bob", "phone", nodeA);
    awaitDevicesInRoom(nodeA, "bob", 1);

    List<String> sent = new ArrayList<>();
    Device laptop = null;
    for (int i = 0; i < 300; i++) {
      sent.add(nodeA.service().send("bob", Notification.of("tick", "Tick " + i, "t")).get(5, TimeUnit.SECONDS)
          .toString());
      if (i == 150) {
        laptop = device("bob", "laptop", nodeB); // catches up in pages of 10 while the live ones keep coming
      }
    }

    for (Device d : List.of(phone, laptop)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> d.ids().containsAll(sent));
      assertThat(d.ids()).as("%s", d).containsExactlyInAnyOrderElementsOf(sent);
    }
    assertThat(phone.events("notification:batch")).as("the phone was there for all of them").isEmpty();
    assertThat(fallbacks).isEmpty();
  }

  @Test
  void everyDeviceGetsEveryNotificationThroughARedisRestartWithoutReconnectingAndNothingFallsBack()
      throws Exception {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
      NotificationNode nodeA = node(redis.url(), b -> b.visibilityTimeout(ACK_TIMEOUT.plusSeconds(4)));
      NotificationNode nodeB = node(redis.url(), b -> b.visibilityTimeout(ACK_TIMEOUT.plusSeconds(4)));
      awaitServerCount(nodeA, 2);
      List<Device> devices = new ArrayList<>();
      for (int u = 0; u < 20; u++) {
        devices.add(device("user-" + u, "phone", nodeA));
        devices.add(device("user-" + u, "laptop", nodeA));
      }
      awaitDevicesInRoom(nodeA, "user-19", 2);

      // node B sends; right after the restart it may claim jobs before node A has resubscribed: its silence must
      // not be taken for "offline"
      Map<String, Set<String>> expected = new HashMap<>();
      for (int k = 0; k < 300; k++) {
        if (k == 100) {
          redis.kill();
          redis.restart();
        }
        expected.computeIfAbsent("user-" + (k % 20), u -> new HashSet<>()).add(send(nodeB, k).toString());
      }

      for (Device d : devices) {
        Set<String> mine = expected.get(d.user());
        await().atMost(Duration.ofSeconds(30)).until(() -> d.ids().containsAll(mine));
        assertThat(d.ids()).as("%s", d).containsExactlyInAnyOrderElementsOf(mine);
        assertThat(d.connects()).as("%s never reconnected", d).isEqualTo(1);
      }
      await().atMost(Duration.ofSeconds(30)).until(() ->
          nodeB.store().exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);
      assertThat(fallbacks).as("no device was taken for offline").isEmpty();
    }
  }

  // ---- fixture ----

  /**
   * Sends notification {@code k} to user {@code k % 20}; while the store refuses (Redis restarting), sends it again
   * every 100 ms with the same idempotency key.
   */
  private static NotificationId send(NotificationNode node, int k) {
    Notification n = Notification.of("seq", "Notification " + k, "n").idempotencyKey("seq-" + k);
    AtomicReference<NotificationId> id = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try {
        id.set(node.service().send("user-" + (k % 20), n).get(5, TimeUnit.SECONDS));
        return true;
      } catch (ExecutionException e) {
        return false;
      }
    });
    return id.get();
  }

  private NotificationNode node(String redisUrl, UnaryOperator<NotificationService.Builder> tune) {
    NotificationNode node = NotificationNode.start(redisUrl, adapterKey, storePrefix, b -> tune.apply(b
        .ackTimeout(ACK_TIMEOUT).retryDelay(Duration.ofMillis(500)).maxAttempts(3)
        .fallback((n, reason) -> fallbacks.add(reason + " " + n.userId() + " " + n.id()))));
    closeables.add(node);
    return node;
  }

  private Device device(String user, String deviceId, NotificationNode node) {
    Device device = Device.connect(user, deviceId, true, node.url());
    closeables.add(device);
    return device;
  }

  private static void awaitServerCount(NotificationNode node, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        node.io().of("/").adapter().serverCount().get(5, TimeUnit.SECONDS) == n);
  }

  private static void awaitDevicesInRoom(NotificationNode node, String user, int n) {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        node.io().in("user:" + user).fetchSockets().get(5, TimeUnit.SECONDS).size() == n);
  }

  private static List<String> batchIds(Device device) {
    List<String> ids = new ArrayList<>();
    for (Device.Event e : device.events("notification:batch")) {
      JSONArray list = ((JSONObject) e.payload()).getJSONArray("notifications");
      for (int i = 0; i < list.length(); i++) {
        ids.add(list.getJSONObject(i).getString("id"));
      }
    }
    return ids;
  }

  private static NotificationStatus status(NotificationNode node, String user, NotificationId id) throws Exception {
    var n = node.store().find(user, id).get(5, TimeUnit.SECONDS);
    return n == null ? null : n.status();
  }
}
