package dev.notify.core.internal.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the server learned from the HTTP request that opened a session (the WebSocket upgrade or the first
 * polling {@code GET}): headers, query, peer address, URL, whether it came over TLS. Immutable.
 *
 * <p>Kept for the life of the connection, so it is stored flat: one array of name/value pairs, names in lower
 * case; the map views are built when asked for. Names and short values that many handshakes repeat are one shared
 * instance ({@link SharedStrings}), not a copy per session.
 */
public final class EngineRequest {

  /** Shared by every session of the JVM: the same values arrive in thousands of handshakes. */
  private static final SharedStrings SHARED = new SharedStrings();

  private final String[] headers;
  private final String[] query;
  private final String remoteAddress;
  private final String url;
  private final boolean secure;

  /**
   * @param headers request headers; names are matched case-insensitively
   * @param query the query parameters, first value of each
   * @param remoteAddress the peer's IP address, or {@code ""} when the container does not expose it
   * @param url the request path and query, as the client sent them
   * @param secure whether the request came over TLS
   */
  public EngineRequest(Map<String, List<String>> headers, Map<String, String> query, String remoteAddress,
      String url, boolean secure) {
    List<String> h = new ArrayList<>(headers.size() * 2);
    headers.forEach((name, values) -> {
      for (String value : values) {
        h.add(SHARED.share(name.toLowerCase(Locale.ROOT)));
        h.add(SHARED.share(value));
      }
    });
    this.headers = h.toArray(new String[0]);
    List<String> q = new ArrayList<>(query.size() * 2);
    query.forEach((name, value) -> {
      q.add(SHARED.share(name));
      q.add(SHARED.share(value));
    });
    this.query = q.toArray(new String[0]);
    this.remoteAddress = SHARED.share(Objects.requireNonNull(remoteAddress, "remoteAddress"));
    this.url = SHARED.share(Objects.requireNonNull(url, "url"));
    this.secure = secure;
  }

  /** All headers: names in lower case, in request order, each with its values. */
  public Map<String, List<String>> headers() {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.computeIfAbsent(headers[i], k -> new ArrayList<>(1)).add(headers[i + 1]);
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(map);
  }

  /** The first value of a header, matched case-insensitively, or {@code null}. */
  public String header(String name) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase(name)) {
        return headers[i + 1];
      }
    }
    return null;
  }

  /** The query parameters, first value of each. */
  public Map<String, String> query() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < query.length; i += 2) {
      map.putIfAbsent(query[i], query[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** One query parameter, or {@code null}. */
  public String query(String name) {
    for (int i = 0; i < query.length; i += 2) {
      if (query[i].equals(name)) {
        return query[i + 1];
      }
    }
    return null;
  }

  public String remoteAddress() {
    return remoteAddress;
  }

  public String url() {
    return url;
  }

  public boolean secure() {
    return secure;
  }

  @Override
  public String toString() {
    return "EngineRequest{url=" + url + ", remoteAddress=" + remoteAddress + ", secure=" + secure + '}';
  }
}
