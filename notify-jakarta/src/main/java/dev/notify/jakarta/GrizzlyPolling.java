package dev.notify.jakarta;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** The long-polling transport on the standalone Grizzly server: a suspended response is a waiting poll. */
final class GrizzlyPolling extends HttpHandler {

  private final PollingHandler handler;

  GrizzlyPolling(PollingHandler handler) {
    this.handler = handler;
  }

  @Override
  public void service(Request request, Response response) {
    handler.handle(new Exchange(request, response));
  }

  private static final class Exchange implements HttpExchange {
    private final Request request;
    private final Response response;
    private final AtomicBoolean responded = new AtomicBoolean();
    private volatile boolean suspended;

    Exchange(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    @Override
    public String method() {
      return request.getMethod().getMethodString();
    }

    @Override
    public Map<String, List<String>> headers() {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String name : request.getHeaderNames()) {
        List<String> values = new ArrayList<>();
        request.getHeaders(name).forEach(values::add);
        headers.put(name, values);
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
      response.suspend(-1, TimeUnit.MILLISECONDS, new CompletionHandler<>() {
        @Override
        public void cancelled() {
          gone(onGone);
        }

        @Override
        public void failed(Throwable throwable) {
          gone(onGone);
        }

        @Override
        public void completed(Response result) {
        }

        @Override
        public void updated(Response result) {
        }
      });
      suspended = true;
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
      response.setStatus(status);
      if (contentType != null) {
        response.setContentType(contentType);
      }
      response.setContentLength(body.length);
      try {
        OutputStream out = response.getOutputStream();
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the client went away; the session learns it from its heartbeat
      }
      if (suspended) {
        response.resume();
      }
    }
  }
}
