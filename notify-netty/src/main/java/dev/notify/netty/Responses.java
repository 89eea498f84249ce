package dev.notify.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Writes whole HTTP responses. */
final class Responses {

  private Responses() {
  }

  /**
   * Writes a response to {@code request} with {@code headers} and a body; closes the connection after it when the
   * request does not keep it alive, or when {@code close}. May be called from any thread.
   */
  static ChannelFuture send(ChannelHandlerContext ctx, HttpRequest request, int status, String contentType,
      byte[] body, HttpHeaders headers, boolean close) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body), headers, new DefaultHttpHeaders());
    if (contentType != null) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    HttpUtil.setContentLength(response, body.length);
    boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    return written;
  }

  /** A plain-text response that closes the connection after it. */
  static void sendAndClose(ChannelHandlerContext ctx, HttpRequest request, int status, String text) {
    send(ctx, request, status, "text/plain; charset=UTF-8", text.getBytes(StandardCharsets.UTF_8),
        new DefaultHttpHeaders(), true);
  }
}
