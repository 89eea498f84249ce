package dev.notify.jakarta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request of the long-polling transport, over whatever server carries it (a Servlet container,
 * Grizzly). Lets {@link PollingHandler} be written once.
 */
interface HttpExchange {

  String method();

  /** Request headers by name. */
  Map<String, List<String>> headers();

  /** The first value of a request header, or {@code null}. */
  String header(String name);

  /** The query parameters, first value of each. */
  Map<String, String> query();

  String remoteAddress();

  /** Path and query as sent. */
  String url();

  boolean secure();

  /** The declared body length, or -1. */
  long contentLength();

  /**
   * Reads the whole request body.
   *
   * @throws BodyTooLargeException past {@code limit} bytes
   */
  byte[] readBody(int limit) throws IOException;

  /** Adds a response header; before {@link #respond}. */
  void setHeader(String name, String value);

  /**
   * Sends the response and ends the exchange. May be called from any thread, once; also after
   * {@link #suspend} from a thread that is not the server's.
   */
  void respond(int status, String contentType, byte[] body);

  /**
   * Keeps the exchange open after the handler returns (a long poll). {@code onGone} runs if the client goes
   * away or the server gives up on the request before {@link #respond}.
   */
  void suspend(Runnable onGone);

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

  /** Reads a whole stream, refusing more than {@code limit} bytes. */
  static byte[] readAll(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        throw new BodyTooLargeException(-1, limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The request body exceeded the limit. */
  final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(long size, int limit) {
      super("request body of " + (size < 0 ? "more than " + limit : size) + " bytes exceeds maxPayload " + limit);
    }
  }
}
