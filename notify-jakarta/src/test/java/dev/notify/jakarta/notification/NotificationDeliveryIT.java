package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.BATCH;
import static dev.notify.jakarta.notification.NotificationFixture.NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.FallbackChannel.Reason;
import dev.notify.core.notification.MutableClock;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.Priority;
import dev.notify.core.notification.StoredNotification;
import dev.notify.jakarta.notification.NotificationFixture.Fallback;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delivery of one notification: to an online device that acknowledges it, retried with backoff when no device
 * acknowledges, to the fallback channel, and on the next connection in a {@code notification:batch}.
 */
class NotificationDeliveryIT {

  private static final Duration ACK_TIMEOUT = Duration.ofMillis(300);
  private static final Duration RETRY_DELAY = Duration.ofMillis(500);
  /** How much earlier than the server's timers a client may see an event: the difference of two trips. */
  private static final long CLOCK_SLACK_MS = 50;

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  private NotificationId send(String userId, Notification notification) {
    return Await.result(fixture.service().send(userId, notification));
  }

  private static Notification order(int number) {
    return Notification.of("order", "Order shipped", "Your order #" + number + " is on its way")
        .data(Map.of("orderId", number));
  }

  @Test
  void anOnlineDeviceThatAcknowledgesGetsTheNotificationAndTheStoreShowsItDelivered() {
    Device phone = fixture.device("alice").autoAck(NEW).connect();
    Device bobs = fixture.device("bob").autoAck(NEW).connect();

    Instant before = Instant.now();
    NotificationId id = send("alice", order(1001).priority(Priority.URGENT));

    JsonNode payload = phone.awaitPayload(NEW);
    assertThat(payload.path("id").asText()).isEqualTo(id.toString());
    assertThat(payload.path("type").asText()).isEqualTo("order");
    assertThat(payload.path("title").asText()).isEqualTo("Order shipped");
    assertThat(payload.path("message").asText()).isEqualTo("Your order #1001 is on its way");
    assertThat(payload.path("data").path("orderId").asInt()).isEqualTo(1001);
    assertThat(payload.path("priority").asText()).isEqualTo("urgent");
    assertThat(payload.path("status").asText()).isEqualTo("pending");
    assertThat(Instant.parse(payload.path("createdAt").asText())).isAfterOrEqualTo(before.minusSeconds(1));
    assertThat(payload.path("expiresAt").isNull()).isTrue();

    StoredNotification delivered = fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);
    assertThat(delivered.deliveredAt()).isNotNull();
    assertThat(delivered.readAt()).isNull();
    assertThat(fixture.fallbacks()).isEmpty();

    // bob's device got nothing of alice's: his own next notification is the first thing he receives
    NotificationId bobsOwn = send("bob", order(2002));
    assertThat(bobs.awaitPayload(NEW).path("id").asText()).isEqualTo(bobsOwn.toString());
    assertThat(bobs.events(NEW)).hasSize(1);
    assertThat(phone.events(NEW)).hasSize(1);
  }

  @Test
  void withoutAckTheDeliveryIsRetriedWithExponentialBackoffThenLeftPendingForTheNextConnection() {
    fixture.start(service -> service.ackTimeout(ACK_TIMEOUT).retryDelay(RETRY_DELAY).maxAttempts(3));
    Device silent = fixture.device("alice").connect();

    NotificationId id = send("alice", order(1));

    List<Device.Event> attempts = List.of(silent.awaitEvent(NEW), silent.awaitEvent(NEW), silent.awaitEvent(NEW));
    await().atMost(Await.DEADLINE).until(fixture::fallbacks,
        calls -> calls.contains(new Fallback("alice", id, Reason.NOT_ACKNOWLEDGED)));

    assertThat(attempts).allSatisfy(a -> assertThat(a.arg(0).path("id").asText()).isEqualTo(id.toString()));
    assertThat(silent.events(NEW)).as("no attempt after the last one").hasSize(3);
    assertThat(fixture.fallbacks()).containsExactly(new Fallback("alice", id, Reason.NOT_ACKNOWLEDGED));
    long firstGap = (attempts.get(1).nanoTime() - attempts.get(0).nanoTime()) / 1_000_000;
    long secondGap = (attempts.get(2).nanoTime() - attempts.get(1).nanoTime()) / 1_000_000;
    // an attempt waits ackTimeout, then retryDelay * 2^(attempt - 1)
    assertThat(firstGap).as("ms between attempts 1 and 2")
        .isGreaterThanOrEqualTo(ACK_TIMEOUT.plus(RETRY_DELAY).toMillis() - CLOCK_SLACK_MS);
    assertThat(secondGap).as("ms between attempts 2 and 3")
        .isGreaterThanOrEqualTo(ACK_TIMEOUT.plus(RETRY_DELAY.multipliedBy(2)).toMillis() - CLOCK_SLACK_MS)
        .isGreaterThan(firstGap);
    assertThat(fixture.stored("alice", id).status()).isEqualTo(NotificationStatus.PENDING);

    silent.close();
    Device next = fixture.device("alice").autoAck(BATCH).connect();

    JsonNode batch = next.awaitPayload(BATCH);
    assertThat(batch.path("notifications")).singleElement()
        .satisfies(n -> assertThat(n.path("id").asText()).isEqualTo(id.toString()));
    assertThat(batch.path("hasMore").asBoolean()).isFalse();
    fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);
  }

  @Test
  void aUserWithoutDevicesGoesToTheFallbackAsOfflineOnceAndGetsItOnConnection() {
    fixture.start(service -> service.ackTimeout(ACK_TIMEOUT).retryDelay(RETRY_DELAY));

    NotificationId id = send("alice", order(7));

    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    assertThat(fixture.fallbacks()).containsExactly(new Fallback("alice", id, Reason.OFFLINE));
    assertThat(fixture.stored("alice", id).status()).isEqualTo(NotificationStatus.PENDING);

    Device phone = fixture.device("alice").autoAck(BATCH, NEW).connect();

    JsonNode batch = phone.awaitPayload(BATCH);
    assertThat(batch.path("notifications")).singleElement().satisfies(n -> {
      assertThat(n.path("id").asText()).isEqualTo(id.toString());
      assertThat(n.path("data").path("orderId").asInt()).isEqualTo(7);
    });
    fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);
  }

  @Test
  void aDeliveredNotificationIsNotInTheNextBatchButOneSentWhileOfflineIs() {
    Device phone = fixture.device("alice").autoAck(NEW).connect();
    NotificationId live = send("alice", order(1));
    fixture.awaitStatus("alice", live, NotificationStatus.DELIVERED);
    phone.close();
    await().atMost(Await.DEADLINE).until(() -> fixture.io().of("/").sockets().isEmpty());

    NotificationId missed = send("alice", order(2));
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    Device again = fixture.device("alice").autoAck(BATCH).connect();

    JsonNode batch = again.awaitPayload(BATCH);
    assertThat(batch.path("notifications")).singleElement()
        .satisfies(n -> assertThat(n.path("id").asText()).isEqualTo(missed.toString()));
    fixture.awaitStatus("alice", missed, NotificationStatus.DELIVERED);
  }

  @Test
  void anExpiredNotificationIsNotInTheNextBatch() {
    MutableClock clock = new MutableClock(Instant.now());
    fixture.start(service -> service.clock(clock));
    NotificationId shortLived = send("alice", order(1).expiresAfter(Duration.ofMinutes(1)));
    NotificationId lasting = send("alice", order(2));
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);

    clock.advance(Duration.ofMinutes(1));
    Device phone = fixture.device("alice").autoAck(BATCH).connect();

    assertThat(phone.awaitPayload(BATCH).path("notifications")).singleElement()
        .satisfies(n -> assertThat(n.path("id").asText()).isEqualTo(lasting.toString()));
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(1);
    assertThat(fixture.stored("alice", shortLived).status()).isEqualTo(NotificationStatus.PENDING);
  }

  @Test
  void theFirstDevicesAckMarksItDeliveredWithoutWaitingForTheOthers() {
    fixture.start(service -> service.ackTimeout(Duration.ofSeconds(60)));
    Device phone = fixture.device("alice").autoAck(NEW).connect();
    Device laptop = fixture.device("alice").connect(); // asleep: never acknowledges

    NotificationId id = send("alice", order(1));

    phone.awaitEvent(NEW);
    laptop.awaitEvent(NEW);
    fixture.awaitStatus("alice", id, NotificationStatus.DELIVERED);
  }

  @Test
  void aClosedServiceLeavesSocketsThatConnectLaterAlone() {
    fixture.service().close();

    Device phone = fixture.device("alice").connect();

    // connect() returns once every connection handler ran, the service's first: joining the user's room is the
    // first thing it does for a socket, before its catch-up
    assertThat(fixture.io().of("/").sockets().get(phone.socket().id()).rooms()).doesNotContain("user:alice");
  }
}
