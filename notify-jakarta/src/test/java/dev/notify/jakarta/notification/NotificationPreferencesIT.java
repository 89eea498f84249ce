package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.DeliveryDecision;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.jakarta.testing.Await;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The preferences hook: alice muted "marketing" (dropped) and gets "digest" silently (stored, not pushed); bob
 * gets everything.
 */
class NotificationPreferencesIT {

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  @BeforeEach
  void start() {
    fixture.start(service -> service.preferences((userId, type) -> !userId.equals("alice") ? DeliveryDecision.DELIVER
        : switch (type) {
          case "marketing" -> DeliveryDecision.DROP;
          case "digest" -> DeliveryDecision.STORE_SILENTLY;
          default -> DeliveryDecision.DELIVER;
        }));
  }

  private NotificationId send(String userId, String type) {
    return Await.result(fixture.service().send(userId, Notification.of(type, type + " for " + userId, "")));
  }

  @Test
  void aDroppedNotificationIsNeitherStoredNorSent() {
    Device phone = fixture.device("alice").autoAck(NEW).connect();

    NotificationId dropped = send("alice", "marketing");
    NotificationId order = send("alice", "order");

    assertThat(dropped).isNull();
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(order.toString());
    fixture.awaitStatus("alice", order, NotificationStatus.DELIVERED);
    assertThat(phone.events(NEW)).hasSize(1);
    InboxPage inbox = Await.result(fixture.service().inbox("alice", null, 100));
    assertThat(inbox.items()).extracting(n -> n.id()).containsExactly(order);
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(1);
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
  }

  @Test
  void aSilentNotificationIsStoredAndCountedUnreadButNotPushed() {
    Device phone = fixture.device("alice").autoAck(NEW).connect();

    NotificationId digest = send("alice", "digest");
    NotificationId order = send("alice", "order");

    // the order, sent after the digest, is the only thing pushed
    assertThat(phone.awaitPayload(NEW).path("id").asText()).isEqualTo(order.toString());
    fixture.awaitStatus("alice", order, NotificationStatus.DELIVERED);
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    assertThat(phone.events(NEW)).hasSize(1);
    assertThat(fixture.stored("alice", digest).status()).isEqualTo(NotificationStatus.PENDING);
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(2);
    InboxPage inbox = Await.result(fixture.service().inbox("alice", null, 100));
    assertThat(inbox.items()).extracting(n -> n.id()).containsExactly(order, digest);
    assertThat(fixture.fallbacks()).isEmpty();
  }

  @Test
  void preferencesApplyPerRecipientOfAMultiUserSend() {
    Device bobs = fixture.device("bob").autoAck(NEW).connect();

    List<NotificationId> ids = Await.result(fixture.service().send(List.of("alice", "bob"),
        Notification.of("marketing", "Spring sale", "")));

    assertThat(ids).hasSize(2);
    assertThat(ids.get(0)).isNull();
    assertThat(ids.get(1)).isNotNull();
    assertThat(bobs.awaitPayload(NEW).path("id").asText()).isEqualTo(ids.get(1).toString());
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isZero();
    assertThat(Await.result(fixture.service().unreadCount("bob"))).isEqualTo(1);
  }
}
