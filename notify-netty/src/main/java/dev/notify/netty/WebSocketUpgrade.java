package dev.notify.netty;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.RequestError;
import dev.notify.core.internal.engine.WebSockets;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP connection into an Engine.IO WebSocket: checks the request as the spec says (refused with the
 * HTTP error and its JSON body before any upgrade, as the reference server does), completes the handshake, swaps
 * the HTTP handlers for the WebSocket ones, then opens a session or joins the upgrade of a polling one.
 */
final class WebSocketUpgrade {

  private static final Logger log = LoggerFactory.getLogger(WebSocketUpgrade.class);

  private WebSocketUpgrade() {
  }

  /** Serves the upgrade request {@code request} for {@code engine}; on the connection's event loop. */
  static void start(ChannelHandlerContext ctx, HttpRequest request, EngineServer engine, ConnectionSettings settings) {
    boolean secure = settings.sslContext() != null;
    EngineRequest engineRequest = engineRequest(ctx, request, secure);
    RequestError error = engine.check(engineRequest, "GET", true);
    if (error != null) {
      log.atInfo().addKeyValue(LogKeys.REMOTE, engineRequest.remoteAddress())
          .log("websocket refused: {} ({})", error.message(), engineRequest.url());
      Responses.send(ctx, request, error.httpStatus(), "application/json",
          error.toJson().getBytes(StandardCharsets.UTF_8), new DefaultHttpHeaders(), true);
      return;
    }
    String sid = engineRequest.query("sid");
    if (sid == null) {
      EngineServer.Busy busy = engine.admit(engineRequest);
      if (busy != null) {
        Responses.send(ctx, request, 503, "text/plain; charset=UTF-8",
            ("server busy: " + busy.reason()).getBytes(StandardCharsets.UTF_8),
            new DefaultHttpHeaders().set("Retry-After", Long.toString(busy.retryAfterSeconds())), true);
        return;
      }
    }
    int maxPayload = engine.options().maxPayload();
    boolean deflate = engine.options().perMessageDeflate();
    // a frame announcing more than maxPayload is refused (1009) before its payload is read, and the transport's
    // aggregator refuses a fragmented message as soon as its parts exceed it: no client makes the server hold more
    WebSocketDecoderConfig decoding = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxPayload)
        .allowExtensions(deflate).build();
    String url = (secure ? "wss://" : "ws://") + request.headers().get("host", "localhost") + request.uri();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(url, null, decoding)
        .newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    WebSocketTransport transport = new WebSocketTransport(maxPayload, settings.unwritableTimeout());
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(RequestDeadlines.class);
    pipeline.replace(ctx.name(), WebSocketTransport.NAME, transport);
    if (deflate) {
      // the extension handler reads the offer from the request, then answers it in the 101 and installs its codec;
      // it sits where the request passed, so the request goes through it once more
      pipeline.addBefore(WebSocketTransport.NAME, "ws-deflate",
          PerMessageDeflate.handler(engine.options().compressionThreshold(), maxPayload));
      pipeline.context(ConnectionSetup.HTTP).fireChannelRead(request);
    }
    DefaultFullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
        request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
    handshaker.handshake(ctx.channel(), full).addListener(done -> {
      if (done.isSuccess()) {
        open(engine, engineRequest, transport);
      } else {
        transport.refuse(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "handshake failed");
      }
    });
  }

  private static void open(EngineServer engine, EngineRequest request, WebSocketTransport transport) {
    WebSockets.Refusal refusal = WebSockets.open(engine, request, transport, transport::attach, log);
    if (refusal != null) {
      transport.refuse(refusal.code(), refusal.text());
    }
  }

  private static EngineRequest engineRequest(ChannelHandlerContext ctx, HttpRequest request, boolean secure) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : request.headers().names()) {
      headers.put(name, request.headers().getAll(name));
    }
    Map<String, String> query = new LinkedHashMap<>();
    new QueryStringDecoder(request.uri()).parameters().forEach((name, values) -> {
      if (!values.isEmpty()) {
        query.put(name, values.get(0));
      }
    });
    String address = ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null
        ? peer.getAddress().getHostAddress() : "";
    return new EngineRequest(headers, query, address, request.uri(), secure);
  }
}
