package dev.notify.cdi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Engine.IO handshakes over plain HTTP, to see what the server answers a given path and origin. */
final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Clients.DEADLINE).build();

  private Http() {
  }

  static HttpResponse<String> handshake(int port, String path, String origin) throws IOException,
      InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path + "?EIO=4&transport=polling"))
        .header("Origin", origin)
        .timeout(Clients.DEADLINE)
        .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
