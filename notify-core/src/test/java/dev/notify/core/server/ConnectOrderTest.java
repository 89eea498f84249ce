package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CONNECT answer and broadcasts: a broadcast made once the client has its answer reaches it (as in the
 * reference server, which makes the socket reachable before it answers), and none reaches it before the answer.
 */
class ConnectOrderTest {

  private final NotifyServer io = NotifyServer.builder()
      .executor(Runnable::run)
      .scheduler(new ManualScheduler())
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void aBroadcastMadeAsTheConnectAnswerIsWrittenFollowsItToTheClient() {
    TestTransport transport = TestTransport.websocket().autoDrain(true).onSend(frames -> {
      if (frames.stream().anyMatch(f -> !f.isBinary() && f.text().startsWith("40{"))) {
        io.emit("hello", 1);
      }
    });
    transport.open(io.engine(), TestRequests.handshake("websocket"));
    transport.drain();

    transport.receive("40");

    List<String> texts = transport.texts();
    assertThat(texts).filteredOn(t -> t.startsWith("4")).hasSize(2);
    assertThat(texts.get(texts.size() - 2)).startsWith("40{");
    assertThat(texts.get(texts.size() - 1)).isEqualTo("42[\"hello\",1]");
  }
}
