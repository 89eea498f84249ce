package dev.notify.jakarta;

import dev.notify.core.internal.polling.HttpExchange;
import dev.notify.core.internal.polling.PollingHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The long-polling transport on the standalone Grizzly server: a suspended response is a waiting poll, and a
 * {@code POST} body is read as its bytes arrive, so no worker thread waits for a slow client.
 */
final class GrizzlyPolling extends HttpHandler {

  private final PollingHandler handler;

  GrizzlyPolling(PollingHandler handler) {
    this.handler = handler;
  }

  @Override
  public void service(Request request, Response response) {
    handler.handle(new Exchange(request, response));
  }

  private static final class Exchange extends HttpExchange {
    private final Request request;
    private final Response response;
    private volatile boolean suspended;

    Exchange(Request request, Response response) {
      this.request = request;
      this.response = response;
    }

    @Override
    protected String method() {
      return request.getMethod().getMethodString();
    }

    @Override
    protected String header(String name) {
      return request.getHeader(name);
    }

    @Override
    protected Iterable<String> headerNames() {
      return request.getHeaderNames();
    }

    @Override
    protected Iterable<String> headerValues(String name) {
      return request.getHeaders(name);
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
    protected InputStream body() {
      return request.getInputStream();
    }

    @Override
    protected void readBody(int limit, BodyReader reader) {
      NIOInputStream in = request.getNIOInputStream();
      if (in.isFinished()) {
        super.readBody(limit, reader);
        return;
      }
      response.suspend();
      suspended = true;
      in.notifyAvailable(new ReadHandler() {
        private ByteArrayOutputStream body = new ByteArrayOutputStream();
        private long total;

        @Override
        public void onDataAvailable() {
          take();
          in.notifyAvailable(this);
        }

        @Override
        public void onAllDataRead() {
          take();
          if (body == null) {
            reader.onTooLarge(new BodyTooLargeException(total, limit));
          } else {
            reader.onBody(body.toByteArray());
          }
        }

        @Override
        public void onError(Throwable error) {
          reader.onFailed(error instanceof IOException io ? io : new IOException(error));
        }

        /** Takes what arrived; past the limit, reads on and drops it, so the client gets the 413 and no reset. */
        private void take() {
          Buffer chunk = in.readBuffer();
          int n = chunk.remaining();
          total += n;
          if (body != null && total <= limit) {
            byte[] bytes = new byte[n];
            chunk.get(bytes);
            body.writeBytes(bytes);
          } else {
            body = null;
          }
          chunk.tryDispose();
          if (body == null && total > MAX_DISCARDED) {
            response.getRequest().getContext().getConnection().closeSilently();
          }
        }
      });
    }

    @Override
    protected void setHeader(String name, String value) {
      response.setHeader(name, value);
    }

    @Override
    protected void startLongPoll(Runnable onGone) {
      response.suspend(-1, TimeUnit.MILLISECONDS, new CompletionHandler<>() {
        @Override
        public void cancelled() {
          onGone.run();
        }

        @Override
        public void failed(Throwable throwable) {
          onGone.run();
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

    @Override
    protected void write(int status, String contentType, byte[] body) {
      response.setStatus(status);
      if (contentType != null) {
        response.setContentType(contentType);
      }
      response.setContentLength(body.length);
      // No flush: Grizzly sends the response when it ends the request (after service() or on resume()). Once the
      // client has the response it may send its next request on this connection, and a request that arrives
      // before Grizzly has ended this one is taken for this one's body and never answered.
      try {
        response.getOutputStream().write(body);
      } catch (IOException e) {
        // the client went away; the session learns it from its heartbeat
      }
      if (suspended) {
        response.resume();
      }
    }
  }
}
