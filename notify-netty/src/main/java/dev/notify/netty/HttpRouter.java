package dev.notify.netty;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.polling.HttpExchange;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the HTTP requests of one connection: a WebSocket upgrade on a server's path goes to {@link
 * WebSocketUpgrade}, any other request on it to the server's long-polling handler, the health path to {@link
 * HealthEndpoint}, anything else gets 404. One
 * request at a time: a request sent before the previous one was answered (HTTP pipelining, which Engine.IO clients
 * never do) closes the connection. Confined to the connection's event loop.
 */
final class HttpRouter extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
  private static final byte[] NOT_FOUND = "not found".getBytes(StandardCharsets.US_ASCII);

  private final Routes routes;
  private final ConnectionSettings settings;
  /** The polling request being served, until it is answered; {@code null} between requests. */
  private NettyExchange exchange;
  /** Whether a request's body is still arriving. */
  private boolean reading;
  /** Bytes of the current body that nobody reads, dropped as they arrive. */
  private long dropped;

  HttpRouter(Routes routes, ConnectionSettings settings) {
    this.routes = routes;
    this.settings = settings;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest request) {
        onRequest(ctx, request);
      }
      if (msg instanceof HttpContent content && ctx.channel().isActive()) {
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Responses.sendAndClose(ctx, request, 400, "bad request");
      return;
    }
    if (reading || exchange != null && !exchange.responded()) {
      log.atDebug().addKeyValue(LogKeys.REMOTE, ctx.channel().remoteAddress())
          .log("connection closed: a request arrived before the previous one was answered");
      ctx.close();
      return;
    }
    reading = true;
    dropped = 0;
    exchange = null;
    String path = new QueryStringDecoder(request.uri()).path();
    if (settings.health() != null && settings.health().matches(path)) {
      settings.health().answer(ctx, request, path);
      return;
    }
    Routes.Route route = routes.find(path);
    boolean upgrade = isWebSocketUpgrade(request);
    if (route == null || upgrade && !route.owns(path)) {
      Responses.send(ctx, request, 404, "text/plain; charset=UTF-8", NOT_FOUND, new DefaultHttpHeaders(), false);
      return;
    }
    if (upgrade) {
      // the request ends with its head: nothing more to read, and the WebSocket handlers take the connection
      reading = false;
      WebSocketUpgrade.start(ctx, request, route.engine(), settings);
      return;
    }
    exchange = new NettyExchange(ctx, request, settings.sslContext() != null);
    route.polling().handle(exchange);
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    if (!reading) {
      return; // the end of a request already served, such as the one of a WebSocket upgrade
    }
    if (exchange != null && exchange.readingBody()) {
      exchange.onContent(content.content());
      if (exchange.received() > HttpExchange.MAX_DISCARDED) {
        ctx.close();
        return;
      }
    } else {
      dropped += content.content().readableBytes();
      if (dropped > HttpExchange.MAX_DISCARDED) {
        ctx.close();
        return;
      }
    }
    if (content instanceof LastHttpContent) {
      reading = false;
      if (exchange != null && exchange.readingBody()) {
        exchange.onLastContent();
      }
    }
  }

  private static boolean isWebSocketUpgrade(HttpRequest request) {
    return HttpMethod.GET.equals(request.method())
        && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.gone();
      exchange = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.atDebug().addKeyValue(LogKeys.REMOTE, ctx.channel().remoteAddress())
        .log("connection closed: {}", cause.toString());
    ctx.close();
  }
}
