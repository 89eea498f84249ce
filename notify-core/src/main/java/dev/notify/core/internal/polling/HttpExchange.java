package dev.notify.core.internal.polling;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request of the long-polling transport, over whatever server carries it (a Servlet container,
 * Grizzly, Netty), so {@link PollingHandler} is written once. Subclasses adapt the few primitives; this class
 * derives the rest and makes sure an exchange ends once: with a response, or as gone.
 */
public abstract class HttpExchange {

  /** How much of a refused request body is read and dropped so that the client gets the refusal: 16 MB. */
  public static final long MAX_DISCARDED = 16L << 20;

  private final AtomicBoolean finished = new AtomicBoolean();

  protected abstract String method();

  /** The first value of a request header, or {@code null}. */
  protected abstract String header(String name);

  protected abstract Iterable<String> headerNames();

  protected abstract Iterable<String> headerValues(String name);

  /** The raw query string, or {@code null}. */
  protected abstract String queryString();

  /** The request path. */
  protected abstract String requestUri();

  /** The request path within the application: without the context path of a Servlet container. */
  protected String pathInApplication() {
    return requestUri();
  }

  /** The peer's IP address, or {@code null}. */
  protected abstract String peerAddress();

  protected abstract boolean secure();

  /** The declared body length, or -1. */
  protected abstract long contentLength();

  protected abstract InputStream body() throws IOException;

  /** Adds a response header; before {@link #respond}. */
  protected abstract void setHeader(String name, String value);

  /** Keeps the request open once the handler returns; {@code onGone} when the server or client gives up. */
  protected abstract void startLongPoll(Runnable onGone);

  /** Writes the response and ends the request; from any thread, called once. */
  protected abstract void write(int status, String contentType, byte[] body);

  /** Request headers by name. */
  final Map<String, List<String>> headers() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : headerNames()) {
      List<String> values = new ArrayList<>(1);
      headerValues(name).forEach(values::add);
      headers.put(name, values);
    }
    return headers;
  }

  /** The query parameters, first value of each. */
  final Map<String, String> query() {
    return parseQuery(queryString());
  }

  final String remoteAddress() {
    String address = peerAddress();
    return address == null ? "" : address;
  }

  /** Path and query as sent. */
  final String url() {
    String query = queryString();
    return query == null ? requestUri() : requestUri() + "?" + query;
  }

  /**
   * Reads the whole request body.
   *
   * @throws BodyTooLargeException past {@code limit} bytes, once the rest is discarded (see {@link #discardBody})
   */
  final byte[] readBody(int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    try (InputStream in = body()) {
      while ((n = in.read(buffer)) != -1) {
        total += n;
        if (total > limit) {
          discard(in, buffer, MAX_DISCARDED);
          throw new BodyTooLargeException(-1, limit);
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  /** Receives a request body read by {@link #readBody(int, BodyReader)}. */
  public interface BodyReader {
    void onBody(byte[] body);

    /** The body is over the limit; it was read (up to {@link #MAX_DISCARDED} bytes) and dropped. */
    void onTooLarge(BodyTooLargeException e);

    /** The body could not be read: the client went away, or took too long. */
    void onFailed(IOException e);
  }

  /**
   * Reads the whole body, then hands it to {@code reader}. This reads blocking on the calling thread; a server
   * that can read bytes as they arrive overrides it, so that no thread waits for a slow client.
   */
  protected void readBody(int limit, BodyReader reader) {
    byte[] body;
    try {
      body = readBody(limit);
    } catch (BodyTooLargeException e) {
      reader.onTooLarge(e);
      return;
    } catch (IOException e) {
      reader.onFailed(e);
      return;
    }
    reader.onBody(body);
  }

  /**
   * Reads and drops the request body, up to {@link #MAX_DISCARDED} bytes, before a refusal: a server that closes
   * the connection with request bytes still unread makes the kernel reset it, and the client may never read the
   * response. This reads blocking; a server that reads bytes as they arrive overrides it to drop them then.
   */
  protected void discardBody() {
    try (InputStream in = body()) {
      discard(in, new byte[8192], MAX_DISCARDED);
    } catch (IOException e) {
      // the client went away: the refusal has nobody to reach
    }
  }

  private static void discard(InputStream in, byte[] buffer, long max) throws IOException {
    long total = 0;
    int n;
    while (total < max && (n = in.read(buffer)) != -1) {
      total += n;
    }
  }

  /**
   * Keeps the exchange open after the handler returns (a long poll). {@code onGone} runs if the client goes
   * away or the server gives up on the request before {@link #respond}.
   */
  final void suspend(Runnable onGone) {
    startLongPoll(() -> {
      if (finished.compareAndSet(false, true)) {
        onGone.run();
      }
    });
  }

  /**
   * Sends the response and ends the exchange. May be called from any thread; only the first call (and only
   * before the exchange is gone) counts.
   */
  final void respond(int status, String contentType, byte[] body) {
    if (finished.compareAndSet(false, true)) {
      write(status, contentType, body);
    }
  }

  @Override
  public String toString() {
    return method() + " " + url();
  }

  /** Parses a query string, first value of each parameter. */
  static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        params.putIfAbsent(name, value);
      }
    }
    return params;
  }

  /** The request body exceeded the limit. */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param size the body's size, or -1 when only known to be over {@code limit} */
    public BodyTooLargeException(long size, int limit) {
      super("request body of " + (size < 0 ? "more than " + limit : size) + " bytes exceeds maxPayload " + limit);
    }
  }
}
