package dev.notify.netty;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.Transport;
import dev.notify.core.internal.engine.WebSockets;
import dev.notify.core.internal.protocol.Frame;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Engine.IO over one Netty WebSocket connection.
 *
 * <p>Outbound: a batch is written frame by frame and flushed once. A frame goes out as the whole WebSocket message its
 * {@link Frame} built once ({@link Frame#webSocketMessage()}), wrapped, not copied, past Netty's frame encoder, so a
 * broadcast encodes and frames nothing per target; on a connection with permessage-deflate, as a Netty frame of the
 * UTF-8 its {@link Frame} encoded once, for the extension's encoder to compress. The
 * session gets {@code onDrain} again at once while the connection is writable, and only when it is writable again
 * otherwise: a client that reads slowly holds at most the write buffer's high water mark plus one batch here, the
 * rest waits in its session's bounded queue (volatile packets dropped, the session closed past its bounds). A
 * connection not writable for {@code unwritableTimeout} is closed as too slow.
 *
 * <p>Inbound: whole messages (at most {@code maxPayload} bytes, see {@link WebSocketUpgrade}) are decoded and handed
 * to the session on the event loop. A message in fragments (browsers and the official clients send whole frames)
 * goes through a {@link WebSocketFrameAggregator} put before this handler when the connection sends its first one,
 * so that every other connection is spared its 112 bytes. {@link #send} and {@link #close} may be called from any
 * thread; everything else is confined to the connection's event loop.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements Transport {

  /** This handler's name in the pipeline. */
  static final String NAME = "ws";

  /** How long a close frame may take to be written before the connection is closed without it. */
  private static final long CLOSE_GRACE_MILLIS = 2000;

  private final int maxPayload;
  private final Duration unwritableTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ChannelHandlerContext ctx;
  private volatile EngineSession session;
  /** A batch was written while the connection was not writable: the session gets onDrain once it is. */
  private boolean drainWhenWritable;
  /** Whether {@link #write} is on the stack, and the batch the session handed over meanwhile. */
  private boolean writing;
  private List<Frame> next;
  private ScheduledFuture<?> unwritableDeadline;
  /** Set by {@link #attach}: whether messages are written as their frame's own bytes (no extension agreed). */
  private boolean plainMessages;

  WebSocketTransport(int maxPayload, Duration unwritableTimeout) {
    this.maxPayload = maxPayload;
    this.unwritableTimeout = unwritableTimeout;
  }

  /**
   * Called once the handshake is done (on the event loop), when the pipeline holds what it agreed to: messages go out
   * as the bytes their frame built once ({@link Frame#webSocketMessage()}), past Netty's frame encoder, unless the
   * connection agreed to an extension (permessage-deflate), whose encoder must see frames.
   */
  void attach(EngineSession session) {
    this.plainMessages = ctx.pipeline().get(WebSocketExtensionEncoder.class) == null;
    this.session = session;
  }

  @Override
  public String name() {
    return "websocket";
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---- outbound ----

  @Override
  public void send(List<Frame> frames) {
    if (ctx.executor().inEventLoop()) {
      write(frames);
    } else {
      ctx.executor().execute(() -> write(frames));
    }
  }

  private void write(List<Frame> frames) {
    if (writing) {
      next = frames; // from the session's onDrain below: the loop writes it, rather than recursing
      return;
    }
    writing = true;
    try {
      List<Frame> batch = frames;
      while (batch != null && !closed.get() && ctx.channel().isActive()) {
        for (int i = 0; i < batch.size(); i++) {
          Frame frame = batch.get(i);
          ctx.write(plainMessages ? Unpooled.wrappedBuffer(frame.webSocketMessage())
              : frame.isBinary() ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.binary()))
              : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.utf8())), ctx.voidPromise());
        }
        ctx.flush();
        if (!ctx.channel().isWritable()) {
          drainWhenWritable = true;
          return;
        }
        drainWhenWritable = false;
        session.onDrain(this);
        batch = next;
        next = null;
      }
      // a closed connection's end reaches the session through channelInactive
    } finally {
      writing = false;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      if (unwritableDeadline != null) {
        unwritableDeadline.cancel(false);
        unwritableDeadline = null;
      }
      if (drainWhenWritable && !writing && !closed.get()) {
        drainWhenWritable = false;
        session.onDrain(this);
      }
    } else if (unwritableDeadline == null && !closed.get()) {
      unwritableDeadline = ctx.executor().schedule(this::tooSlow, unwritableTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void tooSlow() {
    unwritableDeadline = null;
    EngineSession s = session;
    if (!ctx.channel().isWritable() && s != null) {
      s.close(CloseReason.TRANSPORT_ERROR, "connection not writable for " + unwritableTimeout.toMillis()
          + " ms, " + ctx.channel().bytesBeforeWritable() + " bytes over its low water mark unread: client too slow");
    }
  }

  // ---- inbound ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ContinuationWebSocketFrame || msg instanceof WebSocketFrame frame && !frame.isFinalFragment()) {
      aggregate(ctx, msg);
      return;
    }
    try {
      if (msg instanceof TextWebSocketFrame text) {
        WebSockets.onText(session, this, text.text());
      } else if (msg instanceof BinaryWebSocketFrame binary) {
        WebSockets.onBinary(session, this, ByteBufUtil.getBytes(binary.content()));
      } else if (msg instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame close) {
        onPeerClose(close.statusCode(), close.reasonText());
      }
      // pongs, and the end of the upgrade request still in flight when the handlers changed: nothing to do
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Hands the first fragment of a message to the aggregator, added now; it sees the rest before this handler. */
  private void aggregate(ChannelHandlerContext ctx, Object fragment) throws Exception {
    WebSocketFrameAggregator aggregator = ctx.pipeline().get(WebSocketFrameAggregator.class);
    if (aggregator == null) {
      aggregator = new WebSocketFrameAggregator(maxPayload);
      ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", aggregator);
    }
    aggregator.channelRead(ctx.pipeline().context(aggregator), fragment);
  }

  private void onPeerClose(int code, String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? WebSocketCloseStatus.NORMAL_CLOSURE.code() : code, null))
        .addListener(ChannelFutureListener.CLOSE);
    WebSockets.onPeerClose(session, this, code, reason);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (unwritableDeadline != null) {
      unwritableDeadline.cancel(false);
      unwritableDeadline = null;
    }
    EngineSession s = session;
    if (closed.compareAndSet(false, true) && s != null) {
      s.onTransportClose(this, CloseReason.TRANSPORT_CLOSE, "connection closed");
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    EngineSession s = session;
    if (s == null) {
      ctx.close();
    } else if (cause instanceof TooLongFrameException || cause instanceof CorruptedWebSocketFrameException corrupt
        && corrupt.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
      s.close(CloseReason.MESSAGE_TOO_LARGE, "message exceeds maxPayload " + maxPayload + ": " + cause.getMessage());
    } else if (cause instanceof CorruptedWebSocketFrameException) {
      s.close(CloseReason.PARSE_ERROR, cause.getMessage());
    } else {
      s.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "websocket error: " + cause);
      ctx.close();
    }
  }

  // ---- close ----

  @Override
  public void close(CloseReason reason) {
    refuse(WebSockets.closeCode(reason), reason.text());
  }

  /**
   * Closes with a close frame, from any thread; idempotent. A connection that cannot take the frame (its client
   * reads nothing) is closed without it after a short grace.
   */
  void refuse(int code, String text) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ctx.executor().execute(() -> {
      if (!ctx.channel().isWritable()) {
        ctx.close();
        return;
      }
      ctx.writeAndFlush(new CloseWebSocketFrame(code, text)).addListener(ChannelFutureListener.CLOSE);
      ctx.executor().schedule((Runnable) ctx::close, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    });
  }
}
