package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What sessions' requests share, and that a client cannot make the shared table grow. */
class SharedStringsTest {

  private final SharedStrings shared = new SharedStrings();

  @Test
  void anEqualStringComesBackAsTheInstanceHandedOutFirst() {
    String first = shared.share(new String("websocket"));
    String again = new String("websocket");

    assertThat(shared.share(again)).isSameAs(first).isNotSameAs(again);
  }

  @Test
  void aStringLongerThanTheLimitIsNeverKept() {
    String first = shared.share("x".repeat(SharedStrings.MAX_LENGTH + 1));
    String again = "x".repeat(SharedStrings.MAX_LENGTH + 1);

    assertThat(shared.share(again)).isSameAs(again).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void aMillionDistinctValuesLeaveAtMostOneStringPerSlot() {
    Set<String> kept = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      shared.share("value-" + i);
    }
    // newest first: the string each slot holds is found before a miss in that slot replaces it
    for (int i = 1_000_000 - 1; i >= 0; i--) {
      String value = "value-" + i;
      if (shared.share(value) != value) {
        kept.add(value);
      }
    }

    // a slot holds one string: of a million values, at most one per slot is still shared
    assertThat(kept).hasSizeGreaterThan(SharedStrings.SLOTS / 2).hasSizeLessThanOrEqualTo(SharedStrings.SLOTS);
  }

  @Test
  void requestsOfTwoSessionsShareTheirRepeatedValues() {
    EngineRequest first = TestRequests.request("/engine.io/?EIO=4&transport=websocket", "Upgrade",
        new String("websocket"), "User-Agent", new String("Mozilla/5.0 (X11; Linux x86_64)"));
    EngineRequest second = TestRequests.request("/engine.io/?EIO=4&transport=websocket", "upgrade",
        new String("websocket"), "user-agent", new String("Mozilla/5.0 (X11; Linux x86_64)"));

    assertThat(second.header("upgrade")).isSameAs(first.header("upgrade"));
    assertThat(second.header("user-agent")).isSameAs(first.header("user-agent"));
    assertThat(second.query("transport")).isSameAs(first.query("transport"));
    assertThat(second.url()).isSameAs(first.url());
    assertThat(second.headers()).isEqualTo(Map.of("upgrade", List.of("websocket"), "user-agent",
        List.of("Mozilla/5.0 (X11; Linux x86_64)")));
  }
}
