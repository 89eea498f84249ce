package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Raw Engine.IO requests over HTTP/1.1 ({@link HttpClient}), for the bad-input scenarios. */
final class RawHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt
      .connectTimeout(TIMEOUT)
      .build();

  private RawHttp() {
  }

  /** A response, its body as text. */
  record Reply(int status, String body, HttpResponse<String> response) {

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    /** The body as JSON, after checking the response is a JSON error. */
    JsonNode json() {
      assertThat(header("content-type")).as("content type of " + this).startsWith("application/json");
      try {
        return ClientKind.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + this, e);
      }
    }

    @Override
    public String toString() {
      return response.request().method() + " " + response.request().uri() + " -> " + status + " " + body;
    }
  }

  static HttpRequest.Builder request(String uri, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(uri)).timeout(TIMEOUT);
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  static Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(response.statusCode(), response.body(), response);
  }

  static CompletableFuture<Reply> sendAsync(HttpRequest request) {
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(response -> new Reply(response.statusCode(), response.body(), response));
  }

  static Reply get(String uri, String... headers) throws IOException, InterruptedException {
    return send(request(uri, headers).GET().build());
  }

  static Reply method(String method, String uri, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    return send(request(uri, headers).method(method, publisher).build());
  }

  static Reply post(String uri, String body, String... headers) throws IOException, InterruptedException {
    return method("POST", uri, body, headers);
  }

  /** A POST whose body is sent chunked, without a Content-Length. */
  static Reply postChunked(String uri, byte[] body) throws IOException, InterruptedException {
    return send(request(uri, "Content-Type", "text/plain;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
  }

  /** Opens a polling session with a handshake GET; returns its sid. */
  static String handshake(String endpoint) throws IOException, InterruptedException {
    Reply open = get(endpoint + "?EIO=4&transport=polling");
    assertThat(open.status()).as(open.toString()).isEqualTo(200);
    assertThat(open.body()).as("open packet").startsWith("0{");
    try {
      return ClientKind.JSON.readTree(open.body().substring(1)).path("sid").asText();
    } catch (IOException e) {
      throw new AssertionError("bad open packet: " + open, e);
    }
  }

  /** The polling URL of a session. */
  static String session(String endpoint, String sid) {
    return endpoint + "?EIO=4&transport=polling&sid=" + sid;
  }
}
