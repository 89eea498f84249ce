package dev.notify.netty;

import dev.notify.core.internal.LogKeys;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP connection whose client is too slow: a request's head must arrive within the head timeout of the
 * connection's opening or of the previous response, its body within the body timeout of its head. A request waiting
 * for its response (a long poll) has no deadline. Removed when the connection becomes a WebSocket. Confined to the
 * connection's event loop.
 */
final class RequestDeadlines extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

  private final long headNanos;
  private final long bodyNanos;
  private ScheduledFuture<?> head;
  private ScheduledFuture<?> body;

  RequestDeadlines(Duration headTimeout, Duration bodyTimeout) {
    this.headNanos = headTimeout.toNanos();
    this.bodyNanos = bodyTimeout.toNanos();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    head = arm(ctx, headNanos, "request head");
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      head = cancel(head);
      if (!(msg instanceof LastHttpContent)) {
        body = arm(ctx, bodyNanos, "request body");
      }
    }
    if (msg instanceof LastHttpContent) {
      body = cancel(body);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      // a response ends: the client's next request starts its head time
      cancel(head);
      head = arm(ctx, headNanos, "request head");
    }
    ctx.write(msg, promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    head = cancel(head);
    body = cancel(body);
  }

  private static ScheduledFuture<?> arm(ChannelHandlerContext ctx, long nanos, String what) {
    return ctx.executor().schedule(() -> {
      log.atDebug().addKeyValue(LogKeys.REMOTE, ctx.channel().remoteAddress())
          .log("connection closed: {} not received within {} ms", what, TimeUnit.NANOSECONDS.toMillis(nanos));
      ctx.close();
    }, nanos, TimeUnit.NANOSECONDS);
  }

  private static ScheduledFuture<?> cancel(ScheduledFuture<?> deadline) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    return null;
  }
}
