package dev.notify.core.internal.engine;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link EngineRequest}s for tests, from a URL and headers. */
public final class TestRequests {

  private TestRequests() {
  }

  /** The handshake of a new session on {@code transport}: {@code /engine.io/?EIO=4&transport=...}. */
  public static EngineRequest handshake(String transport) {
    return request("/engine.io/?EIO=4&transport=" + transport);
  }

  /**
   * A request from 127.0.0.1, without TLS.
   *
   * @param url path and query, such as {@code /engine.io/?EIO=4&transport=polling&sid=abc}
   * @param headers name, value, name, value...
   */
  public static EngineRequest request(String url, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers come as name, value pairs");
    }
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      headerMap.put(headers[i], List.of(headers[i + 1]));
    }
    Map<String, String> query = new LinkedHashMap<>();
    int q = url.indexOf('?');
    if (q >= 0) {
      for (String pair : url.substring(q + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.putIfAbsent(name, value);
      }
    }
    return new EngineRequest(headerMap, query, "127.0.0.1", url, false);
  }
}
