package dev.notify.netty;

import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;

/**
 * The permessage-deflate extension (RFC 7692) as the reference server offers it: messages under the compression
 * threshold go uncompressed, and a compressed one may inflate to at most {@code maxPayload} bytes.
 */
final class PerMessageDeflate {

  /** zlib's window: 2^15 bytes, the largest, as browsers and Node's ws use. */
  private static final int WINDOW_BITS = 15;
  /** zlib's default level, as Node's ws. */
  private static final int LEVEL = 6;

  private PerMessageDeflate() {
  }

  /** A handler that agrees to a client's permessage-deflate offer; one per connection. */
  static WebSocketServerExtensionHandler handler(int thresholdBytes, int maxPayload) {
    WebSocketExtensionFilter small = frame -> frame.content().readableBytes() < thresholdBytes;
    WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
      @Override
      public WebSocketExtensionFilter encoderFilter() {
        return small;
      }

      @Override
      public WebSocketExtensionFilter decoderFilter() {
        return WebSocketExtensionFilter.NEVER_SKIP;
      }
    };
    return new WebSocketServerExtensionHandler(new PerMessageDeflateServerExtensionHandshaker(
        LEVEL, false, WINDOW_BITS, false, false, WINDOW_BITS,
        PerMessageDeflateServerExtensionHandshaker.DEFAULT_MEM_LEVEL, filters, maxPayload));
  }
}
