package dev.notify.core.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Notification ids: ULIDs made by a generator on an injected clock, parsed and validated. */
class NotificationIdTest {

  /** The example of the ULID spec: 1469918176385 ms encodes as {@code 01ARYZ6S41}. */
  private static final Instant SPEC_TIME = Instant.ofEpochMilli(1469918176385L);
  private static final String CROCKFORD_BASE32 = "[0-9A-HJKMNP-TV-Z]";

  private final MutableClock clock = new MutableClock(SPEC_TIME);
  private final NotificationId.Generator generator = new NotificationId.Generator(clock);

  // ---- format ----

  @Test
  void aGeneratedIdIs26CharactersOfCrockfordBase32WithTheTimeFirst() {
    String id = generator.next().toString();

    assertThat(id).matches(CROCKFORD_BASE32 + "{26}");
    assertThat(id).startsWith("01ARYZ6S41");
  }

  @Test
  void theTimestampIsTheMillisecondOfTheClockWhenTheIdWasMade() {
    Instant now = Instant.parse("2024-05-01T12:34:56.789Z");
    clock.set(now);

    assertThat(generator.next().timestamp()).isEqualTo(now);
  }

  @Test
  void theTimestampOfTheSpecExampleIsDecoded() {
    assertThat(NotificationId.of("01ARYZ6S41TSV4RRFFQ69G5FAV").timestamp()).isEqualTo(SPEC_TIME);
  }

  @Test
  void theLargestIdHoldsTheLargest48BitTimestamp() {
    NotificationId max = NotificationId.of("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");

    assertThat(max.timestamp()).isEqualTo(Instant.ofEpochMilli((1L << 48) - 1));
  }

  // ---- ordering ----

  @Test
  void idsMadeInTheSameMillisecondAreStrictlyIncreasing() {
    List<NotificationId> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(generator.next());
    }

    for (int i = 1; i < ids.size(); i++) {
      NotificationId previous = ids.get(i - 1);
      NotificationId id = ids.get(i);
      assertThat(id).isGreaterThan(previous);
      assertThat(id.toString()).isGreaterThan(previous.toString());
      assertThat(id.timestamp()).isEqualTo(SPEC_TIME);
    }
  }

  @Test
  void anIdOfALaterMillisecondSortsAfterEveryIdOfAnEarlierOne() {
    List<NotificationId> earlier = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      earlier.add(generator.next());
    }
    clock.advance(Duration.ofMillis(1));

    NotificationId later = generator.next();

    assertThat(earlier).allSatisfy(id -> assertThat(later).isGreaterThan(id));
    assertThat(later.timestamp()).isEqualTo(SPEC_TIME.plusMillis(1));
  }

  @Test
  void aClockGoingBackwardsDoesNotBreakTheOrder() {
    NotificationId first = generator.next();
    clock.advance(Duration.ofSeconds(-5));

    NotificationId second = generator.next();

    assertThat(second).isGreaterThan(first);
    assertThat(second.timestamp()).isEqualTo(SPEC_TIME);
  }

  @Test
  void idsMadeConcurrentlyAreUnique() throws Exception {
    int threads = 4;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Callable<List<NotificationId>> task = () -> {
        List<NotificationId> ids = new ArrayList<>(perThread);
        for (int i = 0; i < perThread; i++) {
          ids.add(generator.next());
        }
        return ids;
      };
      List<Future<List<NotificationId>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(task));
      }
      Set<NotificationId> all = new HashSet<>();
      for (Future<List<NotificationId>> future : futures) {
        List<NotificationId> ids = future.get(30, TimeUnit.SECONDS);
        assertThat(ids).isSorted();
        all.addAll(ids);
      }
      assertThat(all).hasSize(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- parsing ----

  @Test
  void anIdParsesBackToAnEqualId() {
    NotificationId id = generator.next();

    NotificationId parsed = NotificationId.of(id.toString());

    assertThat(parsed).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(parsed.compareTo(id)).isZero();
    assertThat(parsed.toString()).isEqualTo(id.toString());
  }

  @Test
  void parsingIgnoresCaseAsCrockfordBase32Does() {
    NotificationId id = generator.next();

    NotificationId lower = NotificationId.of(id.toString().toLowerCase(Locale.ROOT));

    assertThat(lower).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(lower.toString()).isEqualTo(id.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "01ARYZ6S41TSV4RRFFQ69G5FA", "01ARYZ6S41TSV4RRFFQ69G5FAVX"})
  void parsingRejectsAnotherLength(String value) {
    assertThatThrownBy(() -> NotificationId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("26 characters, was " + value.length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"01ARYZ6S41TSV4RRFFQ69G5FAI", "01ARYZ6S41TSV4RRFFQ69G5FAL", "01ARYZ6S41TSV4RRFFQ69G5FAO",
      "01ARYZ6S41TSV4RRFFQ69G5FAU", "01ARYZ6S41TSV4RRFFQ69G5FA-", "01ARYZ6S41TSV4RRFFQ69G5FA ",
      "01ARYZ6S41TSV4RRFFQ69G5FAé"})
  void parsingRejectsCharactersOutsideCrockfordBase32(String value) {
    assertThatThrownBy(() -> NotificationId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Crockford base32, found '" + value.charAt(25) + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "80000000000000000000000000", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"})
  void parsingRejectsATimestampBeyond48Bits(String value) {
    assertThatThrownBy(() -> NotificationId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void parsingNullIsANullPointerException() {
    assertThatThrownBy(() -> NotificationId.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void parseOrNullGivesNullForWhatIsNotAnId() {
    assertThat(NotificationId.parseOrNull(null)).isNull();
    assertThat(NotificationId.parseOrNull("")).isNull();
    assertThat(NotificationId.parseOrNull("not-an-id")).isNull();
    assertThat(NotificationId.parseOrNull("8ZZZZZZZZZZZZZZZZZZZZZZZZZ")).isNull();
    assertThat(NotificationId.parseOrNull("01ARYZ6S41TSV4RRFFQ69G5FAV"))
        .isEqualTo(NotificationId.of("01ARYZ6S41TSV4RRFFQ69G5FAV"));
  }

  @Test
  void aLongInvalidValueIsAbbreviatedInTheMessage() {
    String value = "x".repeat(1000);

    assertThatThrownBy(() -> NotificationId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 1000")
        .hasMessageContaining("...")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(100));
  }
}
