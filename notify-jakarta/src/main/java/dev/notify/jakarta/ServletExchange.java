package dev.notify.jakarta;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Servlet request as an {@link HttpExchange}. A long poll uses async processing, so it holds no container
 * thread while it waits; a response decided later is written on a container thread ({@link AsyncContext#start}).
 */
final class ServletExchange implements HttpExchange {

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final Thread serviceThread = Thread.currentThread();
  private final AtomicBoolean responded = new AtomicBoolean();
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
  public String method() {
    return request.getMethod();
  }

  @Override
  public Map<String, List<String>> headers() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    return headers;
  }

  @Override
  public String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public Map<String, String> query() {
    return HttpExchange.parseQuery(request.getQueryString());
  }

  @Override
  public String remoteAddress() {
    String address = request.getRemoteAddr();
    return address == null ? "" : address;
  }

  @Override
  public String url() {
    String query = request.getQueryString();
    return query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
  }

  @Override
  public boolean secure() {
    return request.isSecure();
  }

  @Override
  public long contentLength() {
    return request.getContentLengthLong();
  }

  @Override
  public byte[] readBody(int limit) throws IOException {
    return HttpExchange.readAll(request.getInputStream(), limit);
  }

  @Override
  public void setHeader(String name, String value) {
    response.setHeader(name, value);
  }

  @Override
  public void suspend(Runnable onGone) {
    AsyncContext context = request.startAsync();
    context.setTimeout(0);
    context.addListener(new AsyncListener() {
      @Override
      public void onComplete(AsyncEvent event) {
      }

      @Override
      public void onTimeout(AsyncEvent event) {
        gone(onGone);
        event.getAsyncContext().complete();
      }

      @Override
      public void onError(AsyncEvent event) {
        gone(onGone);
      }

      @Override
      public void onStartAsync(AsyncEvent event) {
      }
    });
    async = context;
  }

  private void gone(Runnable onGone) {
    if (responded.compareAndSet(false, true)) {
      onGone.run();
    }
  }

  @Override
  public void respond(int status, String contentType, byte[] body) {
    if (!responded.compareAndSet(false, true)) {
      return;
    }
    AsyncContext context = async;
    if (context == null || (inService && Thread.currentThread() == serviceThread)) {
      write(status, contentType, body);
      if (context != null) {
        context.complete();
      }
      return;
    }
    context.start(() -> {
      write(status, contentType, body);
      context.complete();
    });
  }

  private void write(int status, String contentType, byte[] body) {
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

  /** For tests and logs. */
  @Override
  public String toString() {
    return request.getMethod() + " " + url();
  }
}
