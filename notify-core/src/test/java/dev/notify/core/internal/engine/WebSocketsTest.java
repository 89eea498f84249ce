package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.EngineOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** The WebSocket rules both servers share: close codes both ways, and opening a session or refusing it. */
class WebSocketsTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private final EngineServer server = new EngineServer(EngineOptions.builder().build(), scheduler, s -> listener);

  @ParameterizedTest
  @CsvSource({"SERVER_SHUTTING_DOWN, 1001", "PARSE_ERROR, 1002", "MESSAGE_TOO_LARGE, 1009",
      "POLICY_VIOLATION, 1008", "TRANSPORT_ERROR, 1011", "FORCED_CLOSE, 1000", "TRANSPORT_CLOSE, 1000"})
  void closeCodeNamesTheReasonToThePeer(CloseReason reason, int code) {
    assertThat(WebSockets.closeCode(reason)).isEqualTo(code);
  }

  @ParameterizedTest
  @CsvSource({"1009, MESSAGE_TOO_LARGE", "1011, TRANSPORT_ERROR", "1000, TRANSPORT_CLOSE", "1001, TRANSPORT_CLOSE",
      "-1, TRANSPORT_CLOSE"})
  void aPeerCloseOf1009Or1011IsAFailureAndAnyOtherAGoodbye(int code, CloseReason expected) {
    TestTransport transport = TestTransport.websocket();
    EngineSession session = transport.open(server, TestRequests.handshake("websocket"));

    WebSockets.onPeerClose(session, transport, code, "bye");

    assertThat(listener.closes()).containsExactly(expected);
  }

  @Test
  void aNewConnectionGetsASessionThatMayWriteAtOnce() {
    TestTransport transport = TestTransport.websocket();
    List<EngineSession> attached = new ArrayList<>();

    WebSockets.Refusal refusal = WebSockets.open(server, TestRequests.handshake("websocket"), transport,
        attached::add, LoggerFactory.getLogger(WebSocketsTest.class));

    assertThat(refusal).isNull();
    assertThat(attached).hasSize(1);
    assertThat(transport.batches()).as("the open packet, written on the drain").hasSize(1);
  }

  @Test
  void anUpgradeWithoutASessionIsRefusedWith1003() {
    TestTransport transport = TestTransport.websocket();
    EngineRequest upgrade = TestRequests.request("/engine.io/?EIO=4&transport=websocket&sid=unknown");

    WebSockets.Refusal refusal = WebSockets.open(server, upgrade, transport, s -> { },
        LoggerFactory.getLogger(WebSocketsTest.class));

    assertThat(refusal).isEqualTo(new WebSockets.Refusal(1003, "upgrade refused"));
  }
}
