package dev.notify.netty;

import dev.notify.core.internal.polling.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * One long-polling request on a Netty connection. Its body is taken as it arrives ({@link #onContent}), never more
 * than the limit of it kept; a response may be written from any thread. Apart from {@link #write}, confined to the
 * connection's event loop.
 */
final class NettyExchange extends HttpExchange {

  private final ChannelHandlerContext ctx;
  private final HttpRequest request;
  private final boolean secure;
  private final HttpHeaders responseHeaders = new DefaultHttpHeaders();
  private volatile boolean responded;
  private Runnable onGone;
  private BodyReader reader;
  private int limit;
  private long received;
  /** The body so far ({@code size} bytes of it), or {@code null} once it went past the limit. */
  private byte[] body;
  private int size;

  NettyExchange(ChannelHandlerContext ctx, HttpRequest request, boolean secure) {
    this.ctx = ctx;
    this.request = request;
    this.secure = secure;
  }

  @Override
  protected String method() {
    return request.method().name();
  }

  @Override
  protected String header(String name) {
    return request.headers().get(name);
  }

  @Override
  protected Iterable<String> headerNames() {
    return request.headers().names();
  }

  @Override
  protected Iterable<String> headerValues(String name) {
    return request.headers().getAll(name);
  }

  @Override
  protected String queryString() {
    String uri = request.uri();
    int query = uri.indexOf('?');
    return query < 0 ? null : uri.substring(query + 1);
  }

  @Override
  protected String requestUri() {
    String uri = request.uri();
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  @Override
  protected String peerAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
        ? address.getAddress().getHostAddress() : null;
  }

  @Override
  protected boolean secure() {
    return secure;
  }

  @Override
  protected long contentLength() {
    return HttpUtil.getContentLength(request, -1L);
  }

  /** Never called: {@link #readBody(int, BodyReader)} and {@link #discardBody()} take the body as it arrives. */
  @Override
  protected InputStream body() {
    throw new UnsupportedOperationException("a Netty request body is read as it arrives");
  }

  @Override
  protected void readBody(int limit, BodyReader reader) {
    this.limit = limit;
    this.reader = reader;
    long declared = contentLength();
    body = new byte[declared > 0 && declared <= limit ? (int) declared : Math.min(limit, 256)];
  }

  /** Nothing to do: the router drops the body of a request that reads none. */
  @Override
  protected void discardBody() {
  }

  /** Whether the handler reads this request's body: the router hands it the content then. */
  boolean readingBody() {
    return reader != null;
  }

  /** A part of the body; past the limit the rest is counted and dropped. */
  void onContent(ByteBuf content) {
    int n = content.readableBytes();
    received += n;
    if (body != null && received <= limit) {
      if (size + n > body.length) {
        body = Arrays.copyOf(body, (int) Math.min(limit, Math.max(size + n, 2L * body.length)));
      }
      content.readBytes(body, size, n);
      size += n;
    } else {
      body = null;
    }
  }

  /** The body is complete: hands it, or its refusal, to the handler. */
  void onLastContent() {
    BodyReader r = reader;
    reader = null;
    if (body == null) {
      r.onTooLarge(new BodyTooLargeException(received, limit));
    } else {
      byte[] bytes = size == body.length ? body : Arrays.copyOf(body, size);
      body = null;
      r.onBody(bytes);
    }
  }

  /** How many bytes of the body arrived. */
  long received() {
    return received;
  }

  @Override
  protected void setHeader(String name, String value) {
    responseHeaders.set(name, value);
  }

  @Override
  protected void startLongPoll(Runnable onGone) {
    this.onGone = onGone;
  }

  /** The connection closed: a waiting poll is gone, a body still arriving is unreadable. */
  void gone() {
    if (onGone != null) {
      onGone.run();
    }
    BodyReader r = reader;
    if (r != null) {
      reader = null;
      body = null;
      r.onFailed(new IOException("connection closed after " + received + " bytes of the body"));
    }
  }

  /** Whether the response was written: the connection may carry the next request. */
  boolean responded() {
    return responded;
  }

  @Override
  protected void write(int status, String contentType, byte[] body) {
    responded = true;
    Responses.send(ctx, request, status, contentType, body, responseHeaders, false);
  }
}
