package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.EngineOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket transport in memory: what it writes, and when it takes more from its session. */
class WebSocketTransportTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<CloseReason> closed = new CopyOnWriteArrayList<>();
  private final EngineServer engine = new EngineServer(EngineOptions.builder().build(), scheduler,
      session -> new EngineSession.Listener() {
        @Override
        public void onMessage(EngineSession s, String text) {
          received.add(text);
        }

        @Override
        public void onMessage(EngineSession s, byte[] data) {
        }

        @Override
        public void onClose(EngineSession s, CloseReason reason) {
          closed.add(reason);
        }
      });

  @AfterEach
  void stop() {
    engine.close();
    scheduler.shutdownNow();
  }

  /** A channel with an open session on it, its open packet already read. */
  private record Connection(EmbeddedChannel channel, EngineSession session) {
    /** The next message written, as bytes on the wire. */
    ByteBuf next() {
      return channel.readOutbound();
    }

    /** The text of the next message, decoded from the wire by Netty's own client-side frame decoder. */
    String nextText() {
      ByteBuf wire = next();
      EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(
          WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).build()));
      client.writeInbound(wire);
      TextWebSocketFrame frame = client.readInbound();
      assertThat(frame.isFinalFragment()).isTrue();
      String text = frame.text();
      frame.release();
      client.finishAndReleaseAll();
      return text;
    }
  }

  private Connection open(ChannelHandler... before) {
    WebSocketTransport transport = new WebSocketTransport(1000, Duration.ofSeconds(30));
    EmbeddedChannel channel = new EmbeddedChannel(before);
    channel.pipeline().addLast(transport);
    EngineSession session = engine.open(transport, new EngineRequest(Map.of(),
        Map.of("EIO", "4", "transport", "websocket"), "127.0.0.1", "/socket.io/?EIO=4&transport=websocket", false));
    transport.attach(session);
    session.onDrain(transport);
    Connection connection = new Connection(channel, session);
    Object open = channel.readOutbound();
    assertThat(open).isNotNull();
    ReferenceCountUtil.release(open);
    return connection;
  }

  @Test
  void aFrameSentToManyConnectionsIsWrittenAsTheSameWebSocketMessageToEach() {
    Connection a = open();
    Connection b = open();
    Frame broadcast = Frame.text("42[\"news\",\"h\u00e9llo \u2713\"]");

    a.session().send(List.of(broadcast), false);
    b.session().send(List.of(broadcast), false);

    ByteBuf toA = a.next();
    ByteBuf toB = b.next();
    assertThat(toA.array()).as("the frame's own message, not a copy").isSameAs(broadcast.webSocketMessage());
    assertThat(toB.array()).isSameAs(broadcast.webSocketMessage());
    toA.release();
    toB.release();
    a.session().send(List.of(broadcast), false);
    assertThat(a.nextText()).isEqualTo("42[\"news\",\"h\u00e9llo \u2713\"]");
  }

  @Test
  void withAnExtensionAgreedFramesGoThroughItsEncoderAsNettyFramesOfTheSameUtf8() {
    List<WebSocketFrame> seen = new ArrayList<>();
    WebSocketExtensionEncoder extension = new WebSocketExtensionEncoder() {
      @Override
      protected void encode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        seen.add(frame);
        out.add(frame.retain());
      }
    };
    Connection c = open(extension);
    seen.clear();
    Frame broadcast = Frame.text("42[\"news\",1]");

    c.session().send(List.of(broadcast), false);

    assertThat(seen).singleElement().isInstanceOf(TextWebSocketFrame.class);
    TextWebSocketFrame frame = (TextWebSocketFrame) (Object) c.channel().readOutbound();
    assertThat(frame.text()).isEqualTo("42[\"news\",1]");
    assertThat(frame.content().array()).as("the frame's UTF-8, not a copy").isSameAs(broadcast.utf8());
    frame.release();
  }

  @Test
  void whileNotWritableTheSessionQueuesFramesAndDropsVolatileOnesUntilWritableAgain() {
    Connection c = open();
    c.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);

    c.session().send(List.of(Frame.text("4first")), false);
    boolean volatileTaken = c.session().send(List.of(Frame.text("4volatile")), true);
    c.session().send(List.of(Frame.text("4queued")), false);

    assertThat(volatileTaken).as("a volatile frame while the channel is not writable").isFalse();
    assertThat(c.nextText()).as("written before the channel was known unwritable").isEqualTo("4first");
    assertThat((Object) c.channel().readOutbound()).as("nothing more while not writable").isNull();

    c.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    c.channel().runPendingTasks();

    assertThat(c.nextText()).isEqualTo("4queued");
    assertThat((Object) c.channel().readOutbound()).isNull();
  }

  @Test
  void aMessageInFragmentsArrivesWholeThroughAnAggregatorAddedForTheFirstFragment() {
    Connection c = open();
    assertThat(c.channel().pipeline().get(WebSocketFrameAggregator.class)).as("no aggregator before a fragment")
        .isNull();
    c.channel().writeInbound(new TextWebSocketFrame("4whole"));

    c.channel().writeInbound(new TextWebSocketFrame(false, 0, "4hel"));
    c.channel().writeInbound(new ContinuationWebSocketFrame(false, 0, "lo "));
    c.channel().writeInbound(new ContinuationWebSocketFrame(true, 0, "world"));
    c.channel().writeInbound(new TextWebSocketFrame("4after"));

    assertThat(received).containsExactly("whole", "hello world", "after");
    assertThat(c.channel().pipeline().get(WebSocketFrameAggregator.class)).isNotNull();
    assertThat(closed).isEmpty();
  }

  @Test
  void fragmentsAddingUpToMoreThanMaxPayloadCloseTheSessionAsTooLarge() {
    Connection c = open();

    c.channel().writeInbound(new TextWebSocketFrame(false, 0, "4" + "a".repeat(600)));
    c.channel().writeInbound(new ContinuationWebSocketFrame(true, 0, "b".repeat(600)));

    assertThat(received).isEmpty();
    assertThat(closed).containsExactly(CloseReason.MESSAGE_TOO_LARGE);
  }
}
