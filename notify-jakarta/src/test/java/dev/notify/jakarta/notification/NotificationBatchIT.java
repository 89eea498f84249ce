package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.BATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.jakarta.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Catch-up on connection: the pending notifications of the user in {@code notification:batch} pages. */
class NotificationBatchIT {

  private static final int BATCH_SIZE = 10;

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  /** Sends {@code count} notifications to an offline user and waits until their delivery jobs are done. */
  private List<String> sentWhileOffline(String userId, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      NotificationId id = Await.result(fixture.service().send(userId, Notification.of("chat", "Message " + i, "hi")));
      ids.add(id.toString());
    }
    await().atMost(Await.DEADLINE).until(() -> fixture.service().queueDepth() == 0);
    return ids;
  }

  private static List<String> ids(JsonNode batch) {
    return StreamSupport.stream(batch.path("notifications").spliterator(), false)
        .map(n -> n.path("id").asText()).toList();
  }

  @Test
  void morePendingThanTheBatchSizeArriveInSeveralBatchesOldestFirst() {
    fixture.start(service -> service.batchSize(BATCH_SIZE));
    List<String> sent = sentWhileOffline("alice", 25);

    Device phone = fixture.device("alice").autoAck(BATCH).connect();

    JsonNode first = phone.awaitPayload(BATCH);
    JsonNode second = phone.awaitPayload(BATCH);
    JsonNode third = phone.awaitPayload(BATCH);
    assertThat(ids(first)).containsExactlyElementsOf(sent.subList(0, 10));
    assertThat(ids(second)).containsExactlyElementsOf(sent.subList(10, 20));
    assertThat(ids(third)).containsExactlyElementsOf(sent.subList(20, 25));
    assertThat(first.path("hasMore").asBoolean()).isTrue();
    assertThat(second.path("hasMore").asBoolean()).isTrue();
    assertThat(third.path("hasMore").asBoolean()).isFalse();
    assertThat(first.path("notifications").get(0).path("title").asText()).isEqualTo("Message 0");
    for (String id : sent) {
      fixture.awaitStatus("alice", NotificationId.of(id), NotificationStatus.DELIVERED);
    }
    assertThat(phone.events(BATCH)).hasSize(3);
  }

  @Test
  void whenThePendingCountIsAMultipleOfTheBatchSizeTheLastBatchSaysThereIsNoMore() {
    fixture.start(service -> service.batchSize(BATCH_SIZE));
    List<String> sent = sentWhileOffline("alice", 20);

    Device phone = fixture.device("alice").autoAck(BATCH).connect();

    JsonNode first = phone.awaitPayload(BATCH);
    JsonNode second = phone.awaitPayload(BATCH);
    assertThat(ids(first)).containsExactlyElementsOf(sent.subList(0, 10));
    assertThat(ids(second)).containsExactlyElementsOf(sent.subList(10, 20));
    assertThat(first.path("hasMore").asBoolean()).isTrue();
    assertThat(second.path("hasMore").asBoolean()).isFalse();
  }

  @Test
  void theNextBatchWaitsForTheAckOfThePreviousOne() {
    fixture.start(service -> service.batchSize(BATCH_SIZE));
    List<String> sent = sentWhileOffline("alice", 15);

    Device phone = fixture.device("alice").connect();

    Device.Event first = phone.awaitEvent(BATCH);
    assertThat(ids(first.arg(0))).containsExactlyElementsOf(sent.subList(0, 10));
    assertThat(fixture.stored("alice", NotificationId.of(sent.get(0))).status())
        .isEqualTo(NotificationStatus.PENDING);
    first.ack().call();

    JsonNode second = phone.awaitPayload(BATCH);
    assertThat(ids(second)).containsExactlyElementsOf(sent.subList(10, 15));
    fixture.awaitStatus("alice", NotificationId.of(sent.get(9)), NotificationStatus.DELIVERED);
  }

  @Test
  void anUnacknowledgedBatchStaysPendingAndComesAgainOnTheNextConnection() {
    List<String> sent = sentWhileOffline("alice", 3);
    Device forgetful = fixture.device("alice").connect();
    assertThat(ids(forgetful.awaitPayload(BATCH))).containsExactlyElementsOf(sent);
    forgetful.close();
    await().atMost(Await.DEADLINE).until(() -> fixture.io().of("/").sockets().isEmpty());

    assertThat(sent).allSatisfy(id -> assertThat(fixture.stored("alice", NotificationId.of(id)).status())
        .isEqualTo(NotificationStatus.PENDING));
    Device phone = fixture.device("alice").autoAck(BATCH).connect();

    assertThat(ids(phone.awaitPayload(BATCH))).containsExactlyElementsOf(sent);
    for (String id : sent) {
      fixture.awaitStatus("alice", NotificationId.of(id), NotificationStatus.DELIVERED);
    }
  }

  @Test
  void aUserWithNothingPendingGetsNoBatch() {
    Device phone = fixture.device("alice").autoAck(BATCH, NotificationFixture.NEW).connect();

    NotificationId id = Await.result(fixture.service().send("alice", Notification.of("chat", "hello", "")));

    // the live notification is the first event after connect: no batch came before it
    assertThat(phone.awaitPayload(NotificationFixture.NEW).path("id").asText()).isEqualTo(id.toString());
    assertThat(phone.eventNames()).containsExactly("connect", NotificationFixture.NEW);
  }
}
