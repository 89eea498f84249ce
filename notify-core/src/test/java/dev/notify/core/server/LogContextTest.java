package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.server.CapturingLogProvider.Capture;
import dev.notify.core.server.CapturingLogProvider.Line;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The ids of one socket: in the MDC while the application's code runs, and on notify's own lines. */
class LogContextTest {

  private static final Logger log = LoggerFactory.getLogger(LogContextTest.class);

  private final Map<String, Object> data = new ConcurrentHashMap<>();
  private final LogContext context = new LogContext("sid1", "/chat", "s1", () -> data);

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void theMdcHoldsTheSocketWhileTheCodeRunsAndWhatItHeldBeforeAfterwards() {
    MDC.put("request", "r7");
    MDC.put(LogContext.MDC_SID, "outer");
    data.put("userId", "alice");
    Map<String, String> inside = new HashMap<>();

    context.run(() -> inside.putAll(MDC.getCopyOfContextMap()));

    assertThat(inside).isEqualTo(Map.of("request", "r7", "notify.sid", "sid1", "notify.nsp", "/chat",
        "notify.socket", "s1", "notify.user", "alice"));
    assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("request", "r7", "notify.sid", "outer"));
  }

  @Test
  void theMdcIsRestoredWhenTheCodeThrows() {
    assertThatThrownBy(() -> context.run(() -> {
      throw new Exception("middleware broke");
    })).hasMessage("middleware broke");

    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void theUserIsAStringOrANumberUnderUserIdAndNothingElse() {
    List<Object> users = List.of("alice", 42, 7L);
    for (Object user : users) {
      data.put("userId", user);
      context.run(() -> assertThat(MDC.get(LogContext.MDC_USER)).isEqualTo(user.toString()));
    }
    data.put("userId", Map.of("id", 1));
    context.run(() -> assertThat(MDC.get(LogContext.MDC_USER)).isNull());
    new LogContext("sid1", "/", "s1", () -> null).run(() -> assertThat(MDC.get(LogContext.MDC_USER)).isNull());
  }

  @Test
  void notifysLinesCarryTheIdsAsKeyValuePairs() {
    data.put("userId", 42);
    try (Capture logs = CapturingLogProvider.capture()) {
      context.about(log.atDebug()).log("socket connected");
      LogContext.about(log.atDebug(), "sid2", "/admin").log("namespace refused: unknown");

      assertThat(logs.lines()).extracting(Line::keyValues).containsExactly(
          Map.of("sid", "sid1", "nsp", "/chat", "socket", "s1", "user", "42"),
          Map.of("sid", "sid2", "nsp", "/admin"));
    }
  }
}
