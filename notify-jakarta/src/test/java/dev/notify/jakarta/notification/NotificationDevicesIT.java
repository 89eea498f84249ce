package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.BATCH;
import static dev.notify.jakarta.notification.NotificationFixture.NEW;
import static dev.notify.jakarta.notification.NotificationFixture.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.NewDevicePolicy;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.jakarta.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Devices on one node: what a brand-new device's first catch-up holds under each {@link NewDevicePolicy}, a send
 * repeated with its idempotency key, and a device id the service cannot take.
 */
class NotificationDevicesIT {

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  /** Five notifications sent while alice has no device, the newest one then read: four unread. */
  private List<String> inboxOfFiveWithTheNewestRead() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(Await.result(fixture.service().send("alice", Notification.of("chat", "Message " + i, "hi"))).toString());
    }
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    Await.result(fixture.service().markRead("alice", List.of(NotificationId.of(ids.get(4)))));
    return ids;
  }

  /** Connects a device, then a new one as a marker: its catch-up (the unread inbox) comes after the first one's. */
  private Device connectAndSettle(String deviceId) {
    Device device = fixture.device("alice", deviceId).autoAck(BATCH, NEW).connect();
    Device marker = fixture.device("alice", "marker-" + deviceId).autoAck(BATCH).connect();
    marker.awaitPayload(BATCH);
    return device;
  }

  private static List<String> ids(List<Device.Event> batches) {
    List<String> ids = new ArrayList<>();
    for (Device.Event batch : batches) {
      StreamSupport.stream(batch.arg(0).path("notifications").spliterator(), false)
          .forEach(n -> ids.add(n.path("id").asText()));
    }
    return ids;
  }

  @Test
  void aBrandNewDeviceGetsEveryUnreadNotificationByDefault() {
    fixture.start();
    List<String> sent = inboxOfFiveWithTheNewestRead();

    Device tablet = fixture.device("alice", "tablet").autoAck(BATCH).connect();

    JsonNode batch = tablet.awaitPayload(BATCH);
    assertThat(ids(tablet.events(BATCH))).containsExactlyElementsOf(sent.subList(0, 4));
    assertThat(batch.path("hasMore").asBoolean()).isFalse();
    assertThat(batch.path("notifications").get(0).path("status").asText()).as("the user's status").isEqualTo("pending");
  }

  @Test
  void withNewDevicesNoneABrandNewDeviceGetsOnlyWhatComesAfterItsFirstConnection() {
    fixture.start(service -> service.newDevices(NewDevicePolicy.none()));
    inboxOfFiveWithTheNewestRead();

    Device tablet = fixture.device("alice", "tablet").autoAck(BATCH, NEW).connect();
    NotificationId later = Await.result(fixture.service().send("alice", Notification.of("chat", "Later", "hi")));

    // a catch-up batch would have come first: the in-memory store answers within the connection handler
    assertThat(tablet.awaitPayload(NEW).path("id").asText()).isEqualTo(later.toString());
    assertThat(tablet.events(BATCH)).isEmpty();
    fixture.awaitStatus("alice", later, NotificationStatus.DELIVERED);
    tablet.close();
    NotificationId whileAway = Await.result(fixture.service().send("alice", Notification.of("chat", "Away", "hi")));
    Device again = fixture.device("alice", "tablet").autoAck(BATCH).connect();
    assertThat(ids(List.of(again.awaitEvent(BATCH)))).as("known now: what came after its start, not acked")
        .containsExactly(whileAway.toString());
  }

  @Test
  void withLastUnreadABrandNewDeviceGetsTheNewestUnreadOnes() {
    fixture.start(service -> service.newDevices(NewDevicePolicy.lastUnread(2)));
    List<String> sent = inboxOfFiveWithTheNewestRead();

    Device tablet = fixture.device("alice", "tablet").autoAck(BATCH).connect();

    tablet.awaitPayload(BATCH);
    assertThat(ids(tablet.events(BATCH))).as("the two newest unread: the newest is read")
        .containsExactly(sent.get(2), sent.get(3));
  }

  @Test
  void aDeviceThatWasOfflineWhileItsSiblingAckedGetsItAndTheSiblingDoesNotAgain() {
    fixture.start();
    fixture.device("alice", "laptop").connect().close();
    Device phone = fixture.device("alice", "phone").autoAck(NEW, BATCH).connect();

    NotificationId id = Await.result(fixture.service().send("alice", Notification.of("order", "Shipped", "#1")));
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(id.toString());
    fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);

    Device laptop = fixture.device("alice", "laptop").autoAck(BATCH).connect();
    JsonNode batch = laptop.awaitPayload(BATCH);
    assertThat(batch.path("notifications").get(0).path("id").asText()).isEqualTo(id.toString());
    assertThat(batch.path("notifications").get(0).path("status").asText()).isEqualTo("delivered");
    phone.close();
    Device phoneAgain = connectAndSettle("phone"); // the marker, a new device, gets the unread inbox: a batch
    assertThat(phoneAgain.events(BATCH)).as("it acked it: nothing to catch up").isEmpty();
  }

  @Test
  void aSendRepeatedWithItsIdempotencyKeyIsStoredAndDeliveredOnce() {
    fixture.start();
    Device phone = fixture.device("alice", "phone").autoAck(NEW).connect();
    Notification shipped = Notification.of("order", "Shipped", "#1001").idempotencyKey("order-1001-shipped");

    NotificationId first = Await.result(fixture.service().send("alice", shipped));
    NotificationId again = Await.result(fixture.service().send("alice", shipped));
    NotificationId next = Await.result(fixture.service().send("alice", Notification.of("order", "Next", "#1002")));

    assertThat(again).isEqualTo(first);
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(first.toString());
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(next.toString());
    assertThat(phone.events(NEW)).hasSize(2);
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(2);
    assertThat(Await.result(fixture.service().send("bob", shipped))).as("keys are per user").isNotEqualTo(first);
  }

  @Test
  void aDeviceIdTooLongOrNotPrintableAsciiIsIgnoredAndTheClientIsServedAsOneWithout() {
    fixture.start();
    Device phone = fixture.device("alice", "phone").autoAck(NEW).connect();
    NotificationId acked = Await.result(fixture.service().send("alice", Notification.of("chat", "Acked", "hi")));
    phone.awaitPayload(NEW);
    fixture.awaitStatus("alice", acked, NotificationStatus.DELIVERED);
    Await.result(fixture.service().markRead("alice", List.of()));

    Device tooLong = fixture.device("alice", "x".repeat(129)).autoAck(BATCH).connect();
    Device withSpace = fixture.device("alice", "my phone").autoAck(BATCH).connect();
    Device valid = fixture.device("alice", "x".repeat(128)).autoAck(BATCH).connect();

    assertThat(valid.awaitPayload(BATCH).path("notifications").get(0).path("id").asText())
        .as("a new device: the unread inbox").isEqualTo(acked.toString());
    Device marker = fixture.device("alice", "marker").autoAck(BATCH).connect();
    marker.awaitPayload(BATCH);
    assertThat(tooLong.events(BATCH)).as("served as a client without device id: nothing pending").isEmpty();
    assertThat(withSpace.events(BATCH)).isEmpty();
    assertThat(phone.request(READ, acked.toString()).path("ok").asBoolean()).isTrue();
  }
}
