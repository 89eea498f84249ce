package dev.notify.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.notification.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryAdminSessionStoreTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final InMemoryAdminSessionStore store = new InMemoryAdminSessionStore(clock);

  @Test
  void aSessionLastsADay() {
    store.save("s1");
    clock.advance(Duration.ofHours(23));
    assertThat(store.exists("s1")).isTrue();
    assertThat(store.exists("s2")).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(store.exists("s1")).isFalse();
  }

  @Test
  void theOldestGoFirstPastTheBound() {
    for (int i = 0; i <= InMemoryAdminSessionStore.MAX_SESSIONS; i++) {
      store.save("s" + i);
    }
    assertThat(store.exists("s0")).isFalse();
    assertThat(store.exists("s1")).isTrue();
    assertThat(store.exists("s" + InMemoryAdminSessionStore.MAX_SESSIONS)).isTrue();
  }
}
