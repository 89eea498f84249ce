package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.internal.engine.EngineRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a socket connected, as Socket.IO's {@code socket.handshake}: the HTTP request of the connection (headers,
 * query, address, URL, TLS) and the {@code auth} payload the client sent with its CONNECT. Immutable.
 */
public final class Handshake {

  private final EngineRequest request;
  private final JsonNode auth;
  private final long issued;

  Handshake(EngineRequest request, JsonNode auth, long issued) {
    this.request = request;
    // most clients send no auth: keeping no empty object saves 80 bytes per connection
    this.auth = auth == null || auth.isEmpty() ? null : auth;
    this.issued = issued;
  }

  /** The request headers, names in lower case. */
  public Map<String, List<String>> headers() {
    return request.headers();
  }

  /** The first value of a header, matched case-insensitively, or {@code null}. */
  public String header(String name) {
    return request.header(Objects.requireNonNull(name, "name"));
  }

  /** The query parameters of the connection request. */
  public Map<String, String> query() {
    return request.query();
  }

  /**
   * The client's {@code auth} payload: a JSON object, empty when it sent none. Read it with
   * {@code auth().path("token").asText(null)}.
   */
  public JsonNode auth() {
    return auth != null ? auth : JsonNodeFactory.instance.objectNode();
  }

  /** The client's IP address, or {@code ""} when the container does not tell. */
  public String address() {
    return request.remoteAddress();
  }

  /** When the connection was made, in epoch milliseconds. */
  public long issued() {
    return issued;
  }

  /** When the connection was made, as an ISO-8601 string. */
  public String time() {
    return Instant.ofEpochMilli(issued).toString();
  }

  /** The request path and query. */
  public String url() {
    return request.url();
  }

  /** Whether the connection came over TLS. */
  public boolean secure() {
    return request.secure();
  }

  /** Whether the request came from a page of another origin. */
  public boolean xdomain() {
    return request.header("origin") != null;
  }

  /** The JSON shape the Node.js adapter exchanges between nodes. */
  JsonNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    ObjectNode headers = json.putObject("headers");
    request.headers().forEach((name, values) -> {
      if (values.size() == 1) {
        headers.put(name, values.get(0));
      } else {
        values.forEach(headers.putArray(name)::add);
      }
    });
    json.put("time", time());
    json.put("address", address());
    json.put("xdomain", xdomain());
    json.put("secure", secure());
    json.put("issued", issued);
    json.put("url", url());
    ObjectNode query = json.putObject("query");
    request.query().forEach(query::put);
    json.set("auth", auth());
    return json;
  }

  /** Reads the JSON shape of {@link #toJson}, as another node sends it. */
  static Handshake fromJson(JsonNode json) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> header : json.path("headers").properties()) {
      JsonNode value = header.getValue();
      if (value.isArray()) {
        List<String> values = new ArrayList<>();
        value.forEach(v -> values.add(v.asText()));
        headers.put(header.getKey(), values);
      } else {
        headers.put(header.getKey(), List.of(value.asText()));
      }
    }
    Map<String, String> query = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> param : json.path("query").properties()) {
      query.put(param.getKey(), param.getValue().asText());
    }
    EngineRequest request = new EngineRequest(headers, query, json.path("address").asText(""),
        json.path("url").asText(""), json.path("secure").asBoolean(false));
    JsonNode auth = json.path("auth");
    return new Handshake(request, auth.isObject() ? auth : null, json.path("issued").asLong(0));
  }

  @Override
  public String toString() {
    return "Handshake{url=" + url() + ", address=" + address() + ", time=" + time() + '}';
  }
}
