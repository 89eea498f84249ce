package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.cdi.apps.Headlines;
import dev.notify.cdi.apps.News;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code notify.*} settings of MicroProfile Config (SmallRye Config here) change what the application serves. */
class MicroProfileConfigIT {

  private static final String APP_ORIGIN = "https://app.example.com";

  private static CdiApp app;

  @BeforeAll
  static void start() throws Exception {
    app = CdiApp.start(Set.of(News.class, Headlines.class), Map.of(
        "notify.path", "/live/",
        "notify.allowed-origins", APP_ORIGIN,
        "notify.ping-interval", "4s",
        "notify.ping-timeout", "PT3S"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void clientsConnectAtTheConfiguredPathAndReceiveTheServicesHeadline() throws Exception {
    try (Clients.Client client = Clients.connect(app.port(), "/live/", "websocket")) {
      app.bean(Headlines.class).publish("configured");
      assertThat(client.nextHeadline()).isEqualTo("configured");
    }
  }

  @Test
  void theDefaultPathIsNotServed() throws Exception {
    assertThat(Http.handshake(app.port(), "/socket.io/", APP_ORIGIN).statusCode()).isEqualTo(404);
  }

  @Test
  void anAllowedOriginHandshakesWithTheConfiguredHeartbeat() throws Exception {
    HttpResponse<String> response = Http.handshake(app.port(), "/live/", APP_ORIGIN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("0{\"sid\":")
        .contains("\"pingInterval\":4000", "\"pingTimeout\":3000");
  }

  @Test
  void anotherOriginIsRefused() throws Exception {
    assertThat(Http.handshake(app.port(), "/live/", "https://evil.example").statusCode()).isEqualTo(403);
  }
}
