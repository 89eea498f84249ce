package dev.notify.redis;

import static dev.notify.redis.testing.NotificationCluster.ACK_TIMEOUT;
import static dev.notify.redis.testing.NotificationCluster.awaitDevicesInRoom;
import static dev.notify.redis.testing.NotificationCluster.awaitServerCount;
import static dev.notify.redis.testing.NotificationCluster.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NotificationCluster;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

  private final NotificationCluster cluster = new NotificationCluster("devices");

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aDeviceOfflineWhileItsSiblingAcksGetsTheNotificationWhenItComesBack() throws Exception {
    NotificationNode nodeA = cluster.node();
    NotificationNode nodeB = cluster.node();
    awaitServerCount(nodeA, 2);
    cluster.device("alice", "laptop", nodeB).close(); // known to the store, now offline
    Device phone = cluster.device("alice", "phone", nodeA);

    NotificationId id = nodeB.service().send("alice", Notification.of("order", "Order shipped", "#1001"))
        .get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> phone.ids().contains(id.toString()));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeA, "alice", id) == NotificationStatus.DELIVERED);

    Device laptop = cluster.device("alice", "laptop", nodeB);
    await().atMost(Duration.ofSeconds(10)).until(() -> laptop.ids().contains(id.toString()));
    assertThat(batchIds(laptop)).as("in its catch-up").contains(id.toString());
    Device phoneAgain = cluster.device("alice", "phone", nodeB);
    // a new device: gets the unread inbox, so it has caught up
    Device marker = cluster.device("alice", "marker", nodeB);
    await().atMost(Duration.ofSeconds(10)).until(() -> marker.ids().contains(id.toString()));
    assertThat(phoneAgain.ids()).as("the phone acked it: not sent again").doesNotContain(id.toString());
    assertThat(cluster.fallbacks()).isEmpty();
  }

  @Test
  void aDeviceConnectedTheWholeTimeMissesNoneWhileItsSiblingCatchesUp() throws Exception {
    NotificationNode nodeA = cluster.node();
    NotificationNode nodeB = cluster.node(RedisExtension.url(), b -> b.batchSize(10));
    awaitServerCount(nodeA, 2);
    cluster.device("bob", "laptop", nodeB).close();
    Device phone = cluster.device("bob", "phone", nodeA);
    awaitDevicesInRoom(nodeA, "bob", 1);

    List<String> sent = new ArrayList<>();
    Device laptop = null;
    for (int i = 0; i < 300; i++) {
      sent.add(nodeA.service().send("bob", Notification.of("tick", "Tick " + i, "t")).get(5, TimeUnit.SECONDS)
          .toString());
      if (i == 150) {
        laptop = cluster.device("bob", "laptop", nodeB); // catches up in pages of 10 while the live ones keep coming
      }
    }

    for (Device d : List.of(phone, laptop)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> d.ids().containsAll(sent));
      assertThat(d.ids()).as("%s", d).containsExactlyInAnyOrderElementsOf(sent);
    }
    assertThat(phone.events("notification:batch")).as("the phone was there for all of them").isEmpty();
    assertThat(cluster.fallbacks()).isEmpty();
  }

  @Test
  void everyDeviceGetsEveryNotificationThroughARedisRestartWithoutReconnectingAndNothingFallsBack()
      throws Exception {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
      NotificationNode nodeA = cluster.node(redis.url(), b -> b.visibilityTimeout(ACK_TIMEOUT.plusSeconds(4)));
      NotificationNode nodeB = cluster.node(redis.url(), b -> b.visibilityTimeout(ACK_TIMEOUT.plusSeconds(4)));
      awaitServerCount(nodeA, 2);
      List<Device> devices = new ArrayList<>();
      for (int u = 0; u < 20; u++) {
        devices.add(cluster.device("user-" + u, "phone", nodeA));
        devices.add(cluster.device("user-" + u, "laptop", nodeA));
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
      assertThat(cluster.fallbacks()).as("no device was taken for offline").isEmpty();
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
}
