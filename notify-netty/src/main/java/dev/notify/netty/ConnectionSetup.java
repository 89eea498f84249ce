package dev.notify.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * The pipeline of a new connection: TLS if configured, HTTP/1.1, the request deadlines and the router. A WebSocket
 * upgrade replaces the HTTP handlers with the WebSocket ones ({@link WebSocketUpgrade}).
 */
final class ConnectionSetup extends ChannelInitializer<SocketChannel> {

  /** The name of the HTTP codec in the pipeline. */
  static final String HTTP = "http";

  /**
   * Flushes asked for while a read is in progress go out as one write once it ends. Not those of writes from other
   * threads: deferring them would cost a task per flush, and a transport already flushes a batch of frames once.
   */
  private static final int FLUSHES_BEFORE_EXPLICIT_FLUSH = 256;
  /** As Node's HTTP server: browsers with many cookies send more than Netty's default 8 KB of headers. */
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final Routes routes;
  private final ConnectionSettings settings;
  private final ChannelGroup channels;

  ConnectionSetup(Routes routes, ConnectionSettings settings, ChannelGroup channels) {
    this.routes = routes;
    this.settings = settings;
    this.channels = channels;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    channels.add(ch);
    ChannelPipeline pipeline = ch.pipeline();
    if (settings.sslContext() != null) {
      pipeline.addLast("tls", settings.sslContext().newHandler(ch.alloc()));
    }
    pipeline.addLast("flush", new FlushConsolidationHandler(FLUSHES_BEFORE_EXPLICIT_FLUSH, false));
    pipeline.addLast(HTTP, new HttpServerCodec(new HttpDecoderConfig().setMaxHeaderSize(MAX_HEADER_BYTES)));
    pipeline.addLast("deadlines", new RequestDeadlines(settings.requestHeadTimeout(), settings.requestBodyTimeout()));
    pipeline.addLast("router", new HttpRouter(routes, settings));
  }
}
