package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.INBOX;
import static dev.notify.jakarta.notification.NotificationFixture.NEW;
import static dev.notify.jakarta.notification.NotificationFixture.READ;
import static dev.notify.jakarta.notification.NotificationFixture.READ_ALL;
import static dev.notify.jakarta.notification.NotificationFixture.READ_SYNC;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.StoredNotification;
import dev.notify.jakarta.testing.Await;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One user on several devices (one node): every device gets a notification, a read on one device, or through the
 * Java API, syncs to all of them with {@code notification:read-sync}, and the inbox pages the same through the
 * Java API and the {@code notification:inbox} event. The tablet is the npm client, the others the Java client.
 */
class NotificationReadSyncIT {

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  private Device phone;
  private Device laptop;
  private NodeClient tablet;

  private void connectAlicesDevices() {
    phone = fixture.device("alice").autoAck(NEW).connect();
    laptop = fixture.device("alice").autoAck(NEW).connect();
    tablet = fixture.nodeClient(Map.of("auth", Map.of("userId", "alice"), "autoAck", List.of(NEW)));
    tablet.connect();
  }

  /** Sends and waits until every device of alice got it and the store shows it delivered. */
  private NotificationId sendToAlice(String title) {
    NotificationId id = Await.result(fixture.service().send("alice", Notification.of("chat", title, "")));
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(id.toString());
    assertThat(laptop.awaitPayload(NEW).path("id").asText()).isEqualTo(id.toString());
    assertThat(tablet.awaitEvent(NEW).path("args").get(0).path("id").asText()).isEqualTo(id.toString());
    fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);
    return id;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static List<String> itemIds(JsonNode inboxAnswer) {
    return StreamSupport.stream(inboxAnswer.path("items").spliterator(), false)
        .map(n -> n.path("id").asText()).toList();
  }

  @Test
  void everyDeviceOfTheUserGetsTheNotificationAndOneAckMarksItDelivered() {
    connectAlicesDevices();

    NotificationId id = sendToAlice("hello");

    assertThat(tablet.events(NEW)).singleElement()
        .satisfies(e -> assertThat(e.path("ackRequested").asBoolean()).isTrue());
    assertThat(fixture.stored("alice", id).deliveredAt()).isNotNull();
  }

  @Test
  void aReadOnOneDeviceSyncsToTheOtherTwo() {
    connectAlicesDevices();
    Device bobs = fixture.device("bob").autoAck(NEW).connect();
    NotificationId id = sendToAlice("hello");
    NotificationId other = sendToAlice("still unread");

    JsonNode answer = phone.request(READ, id.toString());

    assertThat(answer.path("ok").asBoolean()).isTrue();
    assertThat(texts(answer.path("ids"))).containsExactly(id.toString());
    JsonNode onLaptop = laptop.awaitPayload(READ_SYNC);
    JsonNode onTablet = tablet.awaitEvent(READ_SYNC).path("args").get(0);
    assertThat(texts(onLaptop.path("ids"))).containsExactly(id.toString());
    assertThat(texts(onTablet.path("ids"))).containsExactly(id.toString());
    StoredNotification read = fixture.stored("alice", id);
    assertThat(read.status()).isEqualTo(NotificationStatus.READ);
    assertThat(Instant.parse(onLaptop.path("readAt").asText())).isEqualTo(read.readAt());
    assertThat(onTablet.path("readAt").asText()).isEqualTo(onLaptop.path("readAt").asText());
    assertThat(fixture.stored("alice", other).status()).isEqualTo(NotificationStatus.DELIVERED);
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(1);

    // bob's device heard nothing of it: his own next notification is all he got
    NotificationId bobsOwn = Await.result(fixture.service().send("bob", Notification.of("chat", "hi bob", "")));
    assertThat(bobs.awaitPayload(NEW).path("id").asText()).isEqualTo(bobsOwn.toString());
    assertThat(bobs.eventNames()).containsExactly("connect", NEW);
  }

  @Test
  void readingAListOfIdsSyncsThoseThatChanged() {
    connectAlicesDevices();
    NotificationId first = sendToAlice("one");
    NotificationId second = sendToAlice("two");
    sendToAlice("three");
    assertThat(phone.request(READ, first.toString()).path("ok").asBoolean()).isTrue();
    laptop.awaitPayload(READ_SYNC);

    JsonNode answer = laptop.request(READ, Device.array(first.toString(), second.toString()));

    assertThat(texts(answer.path("ids"))).as("the first one was read already").containsExactly(second.toString());
    assertThat(texts(phone.awaitPayload(READ_SYNC).path("ids"))).containsExactly(first.toString());
    assertThat(texts(phone.awaitPayload(READ_SYNC).path("ids"))).containsExactly(second.toString());
    assertThat(texts(tablet.awaitEvent(READ_SYNC).path("args").get(0).path("ids"))).containsExactly(first.toString());
    assertThat(texts(tablet.awaitEvent(READ_SYNC).path("args").get(0).path("ids"))).containsExactly(second.toString());
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(1);
  }

  @Test
  void readAllOnOneDeviceSyncsEveryUnreadId() {
    connectAlicesDevices();
    NotificationId first = sendToAlice("one");
    NotificationId second = sendToAlice("two");

    JsonNode answer = tablet.request(READ_ALL).path("args").get(0);

    assertThat(answer.path("ok").asBoolean()).isTrue();
    assertThat(texts(answer.path("ids")))
        .containsExactlyInAnyOrder(first.toString(), second.toString());
    assertThat(texts(phone.awaitPayload(READ_SYNC).path("ids")))
        .containsExactlyInAnyOrder(first.toString(), second.toString());
    assertThat(texts(laptop.awaitPayload(READ_SYNC).path("ids")))
        .containsExactlyInAnyOrder(first.toString(), second.toString());
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isZero();
    assertThat(fixture.stored("alice", second).status()).isEqualTo(NotificationStatus.READ);
  }

  @Test
  void markReadAndMarkAllReadOfTheJavaApiSyncEveryDevice() {
    connectAlicesDevices();
    NotificationId first = sendToAlice("one");
    NotificationId second = sendToAlice("two");
    NotificationId third = sendToAlice("three");

    List<NotificationId> changed = Await.result(fixture.service().markRead("alice", List.of(first)));

    assertThat(changed).containsExactly(first);
    assertThat(texts(phone.awaitPayload(READ_SYNC).path("ids"))).containsExactly(first.toString());
    assertThat(texts(laptop.awaitPayload(READ_SYNC).path("ids"))).containsExactly(first.toString());
    assertThat(texts(tablet.awaitEvent(READ_SYNC).path("args").get(0).path("ids"))).containsExactly(first.toString());

    List<NotificationId> rest = Await.result(fixture.service().markAllRead("alice"));

    assertThat(rest).containsExactlyInAnyOrder(second, third);
    assertThat(texts(phone.awaitPayload(READ_SYNC).path("ids")))
        .containsExactlyInAnyOrder(second.toString(), third.toString());
    assertThat(texts(laptop.awaitPayload(READ_SYNC).path("ids")))
        .containsExactlyInAnyOrder(second.toString(), third.toString());
    assertThat(texts(tablet.awaitEvent(READ_SYNC).path("args").get(0).path("ids")))
        .containsExactlyInAnyOrder(second.toString(), third.toString());
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isZero();

    // nothing left to change: no sync at all; the next event each device gets is the next notification
    assertThat(Await.result(fixture.service().markAllRead("alice"))).isEmpty();
    assertThat(Await.result(fixture.service().markRead("alice", List.of(first)))).isEmpty();
    sendToAlice("four");
    assertThat(phone.events(READ_SYNC)).hasSize(2);
    assertThat(laptop.events(READ_SYNC)).hasSize(2);
    assertThat(tablet.events(READ_SYNC)).hasSize(2);
  }

  @Test
  void theInboxPagesNewestFirstThroughTheJavaApiAndTheInboxEvent() {
    connectAlicesDevices();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sent.add(sendToAlice("n" + i).toString());
    }
    Await.result(fixture.service().markRead("alice", List.of(NotificationId.of(sent.get(3)))));

    InboxPage first = Await.result(fixture.service().inbox("alice", null, 2));
    InboxPage second = Await.result(fixture.service().inbox("alice", first.nextCursor(), 2));
    InboxPage third = Await.result(fixture.service().inbox("alice", second.nextCursor(), 2));
    assertThat(first.items()).extracting(n -> n.id().toString()).containsExactly(sent.get(4), sent.get(3));
    assertThat(second.items()).extracting(n -> n.id().toString()).containsExactly(sent.get(2), sent.get(1));
    assertThat(third.items()).extracting(n -> n.id().toString()).containsExactly(sent.get(0));
    assertThat(third.nextCursor()).isNull();
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(4);

    JsonNode page1 = phone.request(INBOX, Device.object("limit", 2));
    JsonNode page2 = phone.request(INBOX, Device.object("limit", 2, "cursor", page1.path("nextCursor").asText()));
    JsonNode page3 = phone.request(INBOX, Device.object("limit", 2, "cursor", page2.path("nextCursor").asText()));
    assertThat(itemIds(page1)).containsExactly(sent.get(4), sent.get(3));
    assertThat(itemIds(page2)).containsExactly(sent.get(2), sent.get(1));
    assertThat(itemIds(page3)).containsExactly(sent.get(0));
    assertThat(page3.path("nextCursor").isNull()).isTrue();
    assertThat(page1.path("unread").asLong()).isEqualTo(4);
    assertThat(page1.path("items").get(0).path("status").asText()).isEqualTo("delivered");
    assertThat(page1.path("items").get(1).path("status").asText()).isEqualTo("read");
    assertThat(page1.path("items").get(0).path("title").asText()).isEqualTo("n4");

    JsonNode everything = tablet.request(INBOX).path("args").get(0);
    assertThat(itemIds(everything)).containsExactly(sent.get(4), sent.get(3), sent.get(2), sent.get(1), sent.get(0));
    assertThat(everything.path("unread").asLong()).isEqualTo(4);
  }
}
