package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import dev.notify.core.server.CapturingLogProvider.Capture;
import dev.notify.core.server.CapturingLogProvider.Line;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Log lines about a connection carry its ids as key-value pairs, the application's code runs with them in the MDC,
 * and messages log nothing at INFO. A real handler thread (one, so that the next task runs where the handlers ran).
 */
class StructuredLoggingTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService handlerThread = Executors.newSingleThreadExecutor();
  private final NotifyServer io = NotifyServer.builder().executor(handlerThread).scheduler(new ManualScheduler())
      .build();
  private final Capture logs = CapturingLogProvider.capture();
  private final TestTransport transport = TestTransport.websocket().autoDrain(true);

  @AfterEach
  void close() throws InterruptedException {
    logs.close();
    io.close();
    handlerThread.shutdown();
    assertThat(handlerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Connects to the main namespace, whose middleware makes the socket user 42's; returns the socket id. */
  private String connect() throws Exception {
    io.use((socket, next) -> {
      socket.data().put("userId", 42);
      next.accept();
    });
    transport.open(io.engine(), TestRequests.handshake("websocket"));
    transport.drain();
    transport.receive("40");
    String answer = await().atMost(WAIT).until(() -> sent("40{"), Optional::isPresent).orElseThrow();
    return MAPPER.readTree(answer.substring(2)).get("sid").textValue();
  }

  private Optional<String> sent(String prefix) {
    return transport.texts().stream().filter(t -> t.startsWith(prefix)).findFirst();
  }

  private Line line(String message) {
    return await().atMost(WAIT).until(() -> logs.lines().stream().filter(l -> l.message().equals(message))
        .findFirst(), Optional::isPresent).orElseThrow();
  }

  @Test
  void theConnectAndDisconnectLinesOfASocketCarryItsSessionNamespaceSocketAndUser() throws Exception {
    String socketId = connect();
    transport.receive("41");

    Map<String, Object> ids = Map.of("sid", transport.session().id(), "nsp", "/", "socket", socketId, "user", "42");
    Line connected = line("socket connected");
    assertThat(connected.level()).isEqualTo(Level.DEBUG);
    assertThat(connected.keyValues()).isEqualTo(ids);
    Line disconnected = line("socket disconnected: client namespace disconnect");
    assertThat(disconnected.level()).isEqualTo(Level.DEBUG);
    assertThat(disconnected.keyValues()).isEqualTo(ids);
    Line opened = line("session opened");
    assertThat(opened.keyValues()).containsEntry("sid", transport.session().id())
        .containsEntry("transport", "websocket").containsKey("remote");
    assertThat(logs.lines()).extracting(Line::message).noneMatch(m -> m.contains("sid=") || m.contains("socket="));
  }

  @Test
  void theApplicationsHandlersRunWithTheSocketInTheMdcAndTheThreadGetsItsMdcBack() throws Exception {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    io.onConnection(socket -> {
      seen.put("connection", notifyMdc());
      socket.on("probe", (args, ack) -> {
        seen.put("event", notifyMdc());
        socket.emitWithAck("question").thenAccept(answer -> seen.put("ack callback", notifyMdc()));
      });
      socket.onDisconnect(reason -> seen.put("disconnect", notifyMdc()));
    });
    String socketId = connect();

    transport.receive("42[\"probe\"]");
    String question = await().atMost(WAIT).until(() -> sent("42"), Optional::isPresent).orElseThrow();
    transport.receive("43" + question.substring(2, question.indexOf('[')) + "[\"answer\"]");
    await().atMost(WAIT).until(() -> seen.containsKey("ack callback"));
    transport.receive("41");
    await().atMost(WAIT).until(() -> seen.containsKey("disconnect"));

    Map<String, String> expected = Map.of("notify.sid", transport.session().id(), "notify.nsp", "/",
        "notify.socket", socketId, "notify.user", "42");
    assertThat(seen).containsOnlyKeys("connection", "event", "ack callback", "disconnect")
        .allSatisfy((where, mdc) -> assertThat(mdc).as(where).isEqualTo(expected));
    Map<String, String> after = handlerThread.submit(MDC::getCopyOfContextMap).get(10, TimeUnit.SECONDS);
    assertThat(after == null ? Map.of() : after).isEmpty();
  }

  @Test
  void aThousandEventsLogNothingAtInfoOrAbove() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    io.onConnection(socket -> socket.on("tick", (args, ack) -> {
      handled.incrementAndGet();
      ack.send("ok");
    }));
    connect();

    for (int i = 0; i < 1000; i++) {
      transport.receive("42" + i + "[\"tick\"," + i + "]");
    }
    await().atMost(WAIT).until(() -> handled.get() == 1000);

    List<Line> loud = logs.lines().stream().filter(l -> l.level().toInt() >= Level.INFO.toInt()).toList();
    assertThat(loud).isEmpty();
    assertThat(transport.session().isOpen()).isTrue();
  }

  private static Map<String, String> notifyMdc() {
    Map<String, String> mdc = new HashMap<>();
    for (String key : List.of("notify.sid", "notify.nsp", "notify.socket", "notify.user")) {
      String value = MDC.get(key);
      if (value != null) {
        mdc.put(key, value);
      }
    }
    return mdc;
  }
}
