package dev.notify.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.notify.core.server.CapturingLogProvider;
import dev.notify.core.server.CapturingLogProvider.Capture;
import dev.notify.core.server.CapturingLogProvider.Line;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** A flood of one kind of problem costs a few WARN lines; the rest still have their line at DEBUG. */
class LogLimiterTest {

  private static final Logger log = LoggerFactory.getLogger(LogLimiterTest.class);

  @Test
  void linesPastTheLimitOfTheirKindGoToDebugAndOtherKindsKeepTheirOwnLimit() {
    LogLimiter limiter = new LogLimiter(2, 60_000);
    try (Capture logs = CapturingLogProvider.capture()) {
      for (int i = 0; i < 4; i++) {
        limiter.atWarn(log, "offender").addKeyValue(LogKeys.REMOTE, "10.0.0." + i).log("closed {}", i);
      }
      limiter.atWarn(log, "busy").log("refused");

      assertThat(logs.lines()).extracting(Line::level, Line::message).containsExactly(
          tuple(Level.WARN, "closed 0"),
          tuple(Level.WARN, "closed 1"),
          tuple(Level.DEBUG, "closed 2"),
          tuple(Level.DEBUG, "closed 3"),
          tuple(Level.WARN, "refused"));
      assertThat(logs.lines().get(3).keyValues()).containsEntry("remote", "10.0.0.3");
      assertThat(limiter.total()).isEqualTo(5);
    }
  }
}
