package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.EngineOptions;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket transport in memory: what it writes, and when it takes more from its session. */
class WebSocketTransportTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final EngineServer engine = new EngineServer(EngineOptions.builder().build(), scheduler,
      session -> new EngineSession.Listener() {
        @Override
        public void onMessage(EngineSession s, String text) {
        }

        @Override
        public void onMessage(EngineSession s, byte[] data) {
        }

        @Override
        public void onClose(EngineSession s, CloseReason reason) {
        }
      });

  @AfterEach
  void stop() {
    engine.close();
    scheduler.shutdownNow();
  }

  /** A channel with an open session on it, its open packet already read. */
  private record Connection(EmbeddedChannel channel, EngineSession session) {
    TextWebSocketFrame next() {
      return channel.readOutbound();
    }
  }

  private Connection open() {
    WebSocketTransport transport = new WebSocketTransport(1000, Duration.ofSeconds(30));
    EmbeddedChannel channel = new EmbeddedChannel(transport);
    EngineSession session = engine.open(transport, new EngineRequest(Map.of(),
        Map.of("EIO", "4", "transport", "websocket"), "127.0.0.1", "/socket.io/?EIO=4&transport=websocket", false));
    transport.attach(session);
    session.onDrain(transport);
    Connection connection = new Connection(channel, session);
    TextWebSocketFrame open = connection.next();
    assertThat(open.text()).startsWith("0{\"sid\":");
    open.release();
    return connection;
  }

  @Test
  void aFrameSentToManyConnectionsIsWrittenAsTheSameUtf8BytesToEach() {
    Connection a = open();
    Connection b = open();
    Frame broadcast = Frame.text("42[\"news\",\"h\u00e9llo \u2713\"]");

    a.session().send(List.of(broadcast), false);
    b.session().send(List.of(broadcast), false);

    TextWebSocketFrame toA = a.next();
    TextWebSocketFrame toB = b.next();
    assertThat(toA.text()).isEqualTo("42[\"news\",\"h\u00e9llo \u2713\"]");
    assertThat(toA.content().array()).as("the frame's own bytes, not a copy").isSameAs(broadcast.utf8());
    assertThat(toB.content().array()).isSameAs(broadcast.utf8());
    toA.release();
    toB.release();
  }

  @Test
  void whileNotWritableTheSessionQueuesFramesAndDropsVolatileOnesUntilWritableAgain() {
    Connection c = open();
    c.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);

    c.session().send(List.of(Frame.text("4first")), false);
    boolean volatileTaken = c.session().send(List.of(Frame.text("4volatile")), true);
    c.session().send(List.of(Frame.text("4queued")), false);

    assertThat(volatileTaken).as("a volatile frame while the channel is not writable").isFalse();
    assertThat(c.next().text()).as("written before the channel was known unwritable").isEqualTo("4first");
    assertThat((Object) c.channel().readOutbound()).as("nothing more while not writable").isNull();

    c.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    c.channel().runPendingTasks();

    assertThat(c.next().text()).isEqualTo("4queued");
    assertThat((Object) c.channel().readOutbound()).isNull();
  }
}
