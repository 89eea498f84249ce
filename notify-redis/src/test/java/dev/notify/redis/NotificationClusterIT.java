package dev.notify.redis;

import static dev.notify.redis.testing.NotificationCluster.ACK_TIMEOUT;
import static dev.notify.redis.testing.NotificationCluster.MAX_ATTEMPTS;
import static dev.notify.redis.testing.NotificationCluster.RETRY_DELAY;
import static dev.notify.redis.testing.NotificationCluster.awaitDevicesInRoom;
import static dev.notify.redis.testing.NotificationCluster.awaitServerCount;
import static dev.notify.redis.testing.NotificationCluster.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.Priority;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NotificationCluster;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Java nodes (NotifyServer + RedisAdapter + NotifyStandalone on 127.0.0.1:0), each with a NotificationService on
 * a RedisNotificationStore of one shared Redis, and real Socket.IO clients as the users' devices: delivery with
 * ack across nodes, retries at the configured backoff then catch-up, three devices on two nodes with read sync, and
 * a socket-less sender (a NotificationService on a RedisEmitter).
 */
@ExtendWith(RedisExtension.class)
class NotificationClusterIT {

  private final NotificationCluster cluster = new NotificationCluster("notif");
  private NotificationNode nodeA;
  private NotificationNode nodeB;

  @BeforeEach
  void startNodes() {
    nodeA = cluster.node();
    nodeB = cluster.node();
    awaitServerCount(nodeA, 2);
  }

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aNotificationSentOnOneNodeReachesTheUserOnTheOtherAndItsAckMarksItDelivered() throws Exception {
    Device phone = cluster.device("alice", true, nodeB);

    NotificationId id = nodeA.service().send("alice", Notification.of("order", "Order shipped",
        "Your order #1001 is on its way").data(Map.of("orderId", 1001)).priority(Priority.URGENT))
        .get(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> phone.ids().contains(id.toString()));
    JSONObject received = (JSONObject) phone.events("notification:new").get(0).payload();
    assertThat(received.getString("title")).isEqualTo("Order shipped");
    assertThat(received.getJSONObject("data").getInt("orderId")).isEqualTo(1001);
    assertThat(received.getString("priority")).isEqualTo("urgent");
    await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeA, "alice", id) == NotificationStatus.DELIVERED);
    assertThat(phone.events("notification:new")).as("acknowledged once: not sent again").hasSize(1);
    assertThat(cluster.fallbacks()).isEmpty();
  }

  @Test
  void anUnacknowledgedNotificationIsRetriedAtTheBackoffThenLeftPendingAndDeliveredInTheNextBatch()
      throws Exception {
    Device silent = cluster.device("bob", false, nodeA);

    NotificationId id = nodeB.service().send("bob", Notification.of("chat", "New message", "Hi"))
        .get(5, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.fallbacks().contains("NOT_ACKNOWLEDGED bob " + id));
    List<Long> arrivals = silent.arrivals(id.toString());
    assertThat(arrivals).as("one try per attempt").hasSize(MAX_ATTEMPTS);
    for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      long gapMillis = (arrivals.get(attempt) - arrivals.get(attempt - 1)) / 1_000_000;
      long backoff = ACK_TIMEOUT.toMillis() + RETRY_DELAY.toMillis() * (1L << (attempt - 1));
      assertThat(gapMillis).as("gap before attempt %d: ack timeout + retry delay x 2^%d", attempt + 1, attempt - 1)
          .isGreaterThanOrEqualTo(backoff - 20).isLessThan(backoff + 5_000);
    }
    assertThat(status(nodeA, "bob", id)).isEqualTo(NotificationStatus.PENDING);

    silent.close();
    Device later = cluster.device("bob", true, nodeB);
    await().atMost(Duration.ofSeconds(10)).until(() -> !later.events("notification:batch").isEmpty());
    JSONArray batch = ((JSONObject) later.events("notification:batch").get(0).payload()).getJSONArray(
        "notifications");
    assertThat(batch.length()).isEqualTo(1);
    assertThat(batch.getJSONObject(0).getString("id")).isEqualTo(id.toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeB, "bob", id) == NotificationStatus.DELIVERED);
  }

  @Test
  void oneUserOnThreeDevicesOnTwoNodesGetsItOnAllAndAReadOnOneSyncsTheOtherTwo() throws Exception {
    Device phone = cluster.device("carol", true, nodeA);
    Device laptop = cluster.device("carol", true, nodeA);
    Device tablet = cluster.device("carol", true, nodeB);
    Device someoneElse = cluster.device("dave", true, nodeB);
    awaitDevicesInRoom(nodeA, "carol", 3);

    NotificationId id = nodeB.service().send("carol", Notification.of("invite", "Invitation", "Join project 7"))
        .get(5, TimeUnit.SECONDS);

    for (Device d : List.of(phone, laptop, tablet)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> d.ids().contains(id.toString()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeA, "carol", id) == NotificationStatus.DELIVERED);

    Object answer = phone.emitWithAck("notification:read", id.toString()).get(10, TimeUnit.SECONDS);
    assertThat(((JSONObject) answer).getBoolean("ok")).isTrue();
    assertThat(((JSONObject) answer).getJSONArray("ids").getString(0)).isEqualTo(id.toString());
    for (Device d : List.of(laptop, tablet)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !d.events("notification:read-sync").isEmpty());
      JSONObject sync = (JSONObject) d.events("notification:read-sync").get(0).payload();
      assertThat(sync.getJSONArray("ids").getString(0)).isEqualTo(id.toString());
      assertThat(sync.has("readAt")).isTrue();
    }
    assertThat(status(nodeB, "carol", id)).isEqualTo(NotificationStatus.READ);
    assertThat(nodeA.service().unreadCount("carol").get(5, TimeUnit.SECONDS)).isZero();
    assertThat(someoneElse.ids()).isEmpty();
    assertThat(someoneElse.events("notification:read-sync")).isEmpty();
  }

  @Test
  void aSocketLessSenderOnARedisEmitterSendsAndTheNodesDeliver() throws Exception {
    RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(RedisExtension.url())
        .key(cluster.adapterKey()).build());
    cluster.closeLater(emitter);
    RedisNotificationStore senderStore = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
        .url(RedisExtension.url()).keyPrefix(cluster.storePrefix()).build());
    cluster.closeLater(senderStore);
    NotificationService sender = NotificationService.builder().emitter(emitter).store(senderStore).build();
    cluster.closeLater(sender);
    Device phone = cluster.device("erin", true, nodeA);
    Device laptop = cluster.device("erin", true, nodeB);
    awaitDevicesInRoom(nodeA, "erin", 2);

    List<NotificationId> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(sender.send("erin", Notification.of("report", "Report " + i, "ready")).get(5, TimeUnit.SECONDS));
    }

    for (Device d : List.of(phone, laptop)) {
      await().atMost(Duration.ofSeconds(15)).until(() -> d.ids().size() == ids.size());
      assertThat(d.ids()).containsExactlyInAnyOrderElementsOf(ids.stream().map(NotificationId::toString).toList());
    }
    for (NotificationId id : ids) {
      await().atMost(Duration.ofSeconds(10)).until(() -> status(nodeA, "erin", id) == NotificationStatus.DELIVERED);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> senderStore.exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);

    assertThat(sender.markAllRead("erin").get(5, TimeUnit.SECONDS)).hasSize(ids.size());
    for (Device d : List.of(phone, laptop)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !d.events("notification:read-sync").isEmpty());
      assertThat(((JSONObject) d.events("notification:read-sync").get(0).payload()).getJSONArray("ids").length())
          .isEqualTo(ids.size());
    }
  }
}
