package dev.notify.jakarta.notification;

import static dev.notify.jakarta.notification.NotificationFixture.INBOX;
import static dev.notify.jakarta.notification.NotificationFixture.NEW;
import static dev.notify.jakarta.notification.NotificationFixture.READ;
import static dev.notify.jakarta.notification.NotificationFixture.READ_SYNC;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.jakarta.testing.Await;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input in the notification events: unknown ids, another user's ids, too many ids, payloads of the wrong
 * shape. The client gets a clear answer, nothing changes in the store, nothing leaks, the connection stays up.
 */
class NotificationBadInputIT {

  private static final int MAX_READ_IDS = 5;

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  private Device alice;
  private Device bob;
  private NotificationId alices;
  private NotificationId bobs;

  @BeforeEach
  void start() {
    fixture.start(service -> service.maxReadIds(MAX_READ_IDS));
    alice = fixture.device("alice").autoAck(NEW).connect();
    bob = fixture.device("bob").autoAck(NEW).connect();
    alices = Await.result(fixture.service().send("alice", Notification.of("chat", "for alice", "")));
    bobs = Await.result(fixture.service().send("bob", Notification.of("chat", "for bob", "secret")));
    alice.awaitEvent(NEW);
    bob.awaitEvent(NEW);
    fixture.awaitStatus("alice", alices, NotificationStatus.DELIVERED);
    fixture.awaitStatus("bob", bobs, NotificationStatus.DELIVERED);
  }

  /** Nothing was marked read, no device heard of a read, and alice's connection still works. */
  private void nothingChanged() {
    assertThat(fixture.stored("alice", alices).status()).isEqualTo(NotificationStatus.DELIVERED);
    assertThat(fixture.stored("bob", bobs).status()).isEqualTo(NotificationStatus.DELIVERED);
    assertThat(Await.result(fixture.service().unreadCount("alice"))).isEqualTo(1);
    assertThat(Await.result(fixture.service().unreadCount("bob"))).isEqualTo(1);
    // a last notification to each: it is the next thing they receive, so no read-sync came before it
    NotificationId last = Await.result(fixture.service().send("alice", Notification.of("chat", "last", "")));
    NotificationId bobsLast = Await.result(fixture.service().send("bob", Notification.of("chat", "last", "")));
    assertThat(alice.awaitPayload(NEW).path("id").asText()).isEqualTo(last.toString());
    assertThat(bob.awaitPayload(NEW).path("id").asText()).isEqualTo(bobsLast.toString());
    assertThat(alice.events(READ_SYNC)).isEmpty();
    assertThat(bob.events(READ_SYNC)).isEmpty();
  }

  private static NotificationId unknownId() {
    return new NotificationId.Generator(Clock.systemUTC()).next();
  }

  @Test
  void unknownIdsAreAnsweredOkWithNoIdsAndChangeNothing() {
    JsonNode one = alice.request(READ, unknownId().toString());
    JsonNode many = alice.request(READ, Device.array(unknownId().toString(), unknownId().toString()));

    assertThat(one.path("ok").asBoolean()).isTrue();
    assertThat(one.path("ids")).isEmpty();
    assertThat(many).isEqualTo(one);
    nothingChanged();
  }

  @Test
  void anotherUsersIdIsNotMarkedAndAnsweredExactlyAsAnUnknownId() {
    JsonNode unknown = alice.request(READ, unknownId().toString());

    JsonNode others = alice.request(READ, bobs.toString());
    JsonNode othersInAList = alice.request(READ, Device.array(bobs.toString()));
    JsonNode othersLowerCase = alice.request(READ, bobs.toString().toLowerCase(Locale.ROOT));

    assertThat(others).isEqualTo(unknown);
    assertThat(othersInAList).isEqualTo(unknown);
    assertThat(othersLowerCase).isEqualTo(unknown);
    assertThat(others.toString()).doesNotContain("secret").doesNotContain(bobs.toString());
    nothingChanged();
  }

  @Test
  void aMixOfOwnAndOtherUsersIdsMarksOnlyTheOwnOnes() {
    JsonNode answer = alice.request(READ, Device.array(bobs.toString(), alices.toString()));

    assertThat(answer.path("ok").asBoolean()).isTrue();
    assertThat(answer.path("ids")).singleElement().satisfies(id -> assertThat(id.asText()).isEqualTo(alices.toString()));
    assertThat(alice.awaitPayload(READ_SYNC).path("ids")).singleElement()
        .satisfies(id -> assertThat(id.asText()).isEqualTo(alices.toString()));
    assertThat(fixture.stored("alice", alices).status()).isEqualTo(NotificationStatus.READ);
    assertThat(fixture.stored("bob", bobs).status()).isEqualTo(NotificationStatus.DELIVERED);
    assertThat(Await.result(fixture.service().unreadCount("bob"))).isEqualTo(1);
  }

  @Test
  void moreIdsThanMaxReadIdsIsAnErrorAndMarksNothing() {
    List<Object> ids = new ArrayList<>(Collections.nCopies(MAX_READ_IDS, unknownId().toString()));
    ids.add(alices.toString());

    JsonNode answer = alice.request(READ, Device.array(ids.toArray()));

    assertThat(answer.path("ok").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).isEqualTo("too many ids: 6, at most 5");
    nothingChanged();
  }

  static Stream<Arguments> malformedReads() {
    Function<NotificationBadInputIT, Object[]> number = t -> new Object[] {42};
    Function<NotificationBadInputIT, Object[]> bool = t -> new Object[] {true};
    Function<NotificationBadInputIT, Object[]> object = t -> new Object[] {Device.object("id", t.alices.toString())};
    Function<NotificationBadInputIT, Object[]> nothing = t -> new Object[0];
    Function<NotificationBadInputIT, Object[]> jsonNull = t -> new Object[] {JSONObject.NULL};
    Function<NotificationBadInputIT, Object[]> notAnId = t -> new Object[] {"not-an-id"};
    Function<NotificationBadInputIT, Object[]> outOfRange = t -> new Object[] {"8ZZZZZZZZZZZZZZZZZZZZZZZZZ"};
    Function<NotificationBadInputIT, Object[]> numberInArray = t -> new Object[] {Device.array(t.alices.toString(), 42)};
    Function<NotificationBadInputIT, Object[]> objectInArray =
        t -> new Object[] {Device.array(t.alices.toString(), Device.object("id", t.alices.toString()))};
    Function<NotificationBadInputIT, Object[]> badIdInArray =
        t -> new Object[] {Device.array(t.alices.toString(), "01ARYZ6S41TSV4RRFFQ69G5FA")};
    Function<NotificationBadInputIT, Object[]> nestedArray = t -> new Object[] {Device.array(Device.array(t.alices.toString()))};
    return Stream.of(
        Arguments.of("a number", number, "expected a notification id or an array of ids"),
        Arguments.of("a boolean", bool, "expected a notification id or an array of ids"),
        Arguments.of("an object", object, "expected a notification id or an array of ids"),
        Arguments.of("no argument", nothing, "expected a notification id or an array of ids"),
        Arguments.of("null", jsonNull, "expected a notification id or an array of ids"),
        Arguments.of("a string that is no id", notAnId, "not a notification id"),
        Arguments.of("an id out of range", outOfRange, "not a notification id"),
        Arguments.of("an array with a number", numberInArray, "not a notification id: 42"),
        Arguments.of("an array with an object", objectInArray, "not a notification id: {\"id\""),
        Arguments.of("an array with a short id", badIdInArray, "not a notification id: \"01ARYZ6S41TSV4RRFFQ69G5FA\""),
        Arguments.of("an array of arrays", nestedArray, "not a notification id: [\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedReads")
  void aMalformedReadIsAnsweredWithAnErrorAndChangesNothing(String what,
      Function<NotificationBadInputIT, Object[]> payload, String error) {
    JsonNode answer = alice.request(READ, payload.apply(this));

    assertThat(answer.path("ok").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).startsWith(error);
    nothingChanged();
  }

  @Test
  void anInboxRequestWithALimitOutOfRangeIsAnError() {
    JsonNode zero = alice.request(INBOX, Device.object("limit", 0));
    JsonNode huge = alice.request(INBOX, Device.object("limit", 1_000_000));

    assertThat(zero.path("ok").asBoolean()).isFalse();
    assertThat(zero.path("error").asText()).isEqualTo("limit must be in 1..100");
    assertThat(huge).isEqualTo(zero);
    nothingChanged();
  }

  @Test
  void anInboxRequestOnlyListsTheUsersOwnNotifications() {
    JsonNode page = alice.request(INBOX, Device.object("limit", 100));

    assertThat(page.path("items")).singleElement()
        .satisfies(n -> assertThat(n.path("id").asText()).isEqualTo(alices.toString()));
    assertThat(page.toString()).doesNotContain(bobs.toString()).doesNotContain("secret");
  }
}
