package dev.notify.jakarta;

import dev.notify.core.internal.polling.HttpExchange;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;

/**
 * A Servlet request as an {@link HttpExchange}. A long poll uses async processing, so it holds no container
 * thread while it waits; a response decided later is written on a container thread ({@link AsyncContext#start}).
 */
final class ServletExchange extends HttpExchange {

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final Thread serviceThread = Thread.currentThread();
  private volatile boolean inService = true;
  private volatile AsyncContext async;

  ServletExchange(HttpServletRequest request, HttpServletResponse response) {
    this.request = request;
    this.response = response;
  }

  /** The servlet's {@code service} returned. */
  void leftService() {
    inService = false;
  }

  @Override
  protected String method() {
    return request.getMethod();
  }

  @Override
  protected String header(String name) {
    return request.getHeader(name);
  }

  @Override
  protected Iterable<String> headerNames() {
    return Collections.list(request.getHeaderNames());
  }

  @Override
  protected Iterable<String> headerValues(String name) {
    return Collections.list(request.getHeaders(name));
  }

  @Override
  protected String queryString() {
    return request.getQueryString();
  }

  @Override
  protected String requestUri() {
    return request.getRequestURI();
  }

  @Override
  protected String pathInApplication() {
    String info = request.getPathInfo();
    return info == null ? request.getServletPath() : request.getServletPath() + info;
  }

  @Override
  protected String peerAddress() {
    return request.getRemoteAddr();
  }

  @Override
  protected boolean secure() {
    return request.isSecure();
  }

  @Override
  protected long contentLength() {
    return request.getContentLengthLong();
  }

  @Override
  protected InputStream body() throws IOException {
    return request.getInputStream();
  }

  @Override
  protected void setHeader(String name, String value) {
    response.setHeader(name, value);
  }

  @Override
  protected void startLongPoll(Runnable onGone) {
    AsyncContext context = request.startAsync();
    context.setTimeout(0);
    context.addListener(new AsyncListener() {
      @Override
      public void onComplete(AsyncEvent event) {
      }

      @Override
      public void onTimeout(AsyncEvent event) {
        onGone.run();
        event.getAsyncContext().complete();
      }

      @Override
      public void onError(AsyncEvent event) {
        onGone.run();
      }

      @Override
      public void onStartAsync(AsyncEvent event) {
      }
    });
    async = context;
  }

  @Override
  protected void write(int status, String contentType, byte[] body) {
    AsyncContext context = async;
    if (context == null || (inService && Thread.currentThread() == serviceThread)) {
      send(status, contentType, body);
      if (context != null) {
        context.complete();
      }
      return;
    }
    context.start(() -> {
      send(status, contentType, body);
      context.complete();
    });
  }

  private void send(int status, String contentType, byte[] body) {
    response.setStatus(status);
    if (contentType != null) {
      response.setContentType(contentType);
    }
    response.setContentLength(body.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(body);
    } catch (IOException | RuntimeException e) {
      // the client went away; the session learns it from its heartbeat
    }
  }
}
