package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.jakarta.testing.Clients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/** {@code notify.path} and {@code notify.allowed-origins} change what the embedded server answers. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"notify.path=/live/", "notify.allowed-origins=https://app.example.com"})
@DirtiesContext
class CustomPathAndOriginsTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Clients.DEADLINE).build();

  @LocalServerPort
  int port;

  @Test
  void clientsConnectAtTheConfiguredPath() {
    try (Clients.Client client = Clients.connect(port, "/live/")) {
      assertThat(client.call("echo", "here")).containsExactly("here");
    }
  }

  @Test
  void theDefaultPathIsNotServed() throws Exception {
    assertThat(handshake("/socket.io/", "https://app.example.com").statusCode()).isEqualTo(404);
  }

  @Test
  void anAllowedOriginHandshakes() throws Exception {
    HttpResponse<String> response = handshake("/live/", "https://app.example.com");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("0{\"sid\":");
  }

  @Test
  void anotherOriginIsRefused() throws Exception {
    assertThat(handshake("/live/", "https://evil.example").statusCode()).isEqualTo(403);
  }

  private HttpResponse<String> handshake(String path, String origin) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path + "?EIO=4&transport=polling"))
        .header("Origin", origin)
        .timeout(Clients.DEADLINE)
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
