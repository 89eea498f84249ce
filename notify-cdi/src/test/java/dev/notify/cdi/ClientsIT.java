package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.cdi.apps.Headlines;
import dev.notify.cdi.apps.News;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CDI application in embedded Tomcat 11 + Weld Servlet with notify-cdi and no configuration: the Java and npm
 * clients connect on both transport set-ups, and an application service bean's {@code emitter.to(room).emit}
 * reaches them.
 */
class ClientsIT {

  private static CdiApp app;

  @BeforeAll
  static void start() throws Exception {
    app = CdiApp.start(Set.of(News.class, Headlines.class), Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void javaClientOnDefaultTransportsUpgradesAndReceivesTheServicesHeadline() throws Exception {
    try (Clients.Client client = Clients.connect(app.port(), "/socket.io/")) {
      await().atMost(Clients.DEADLINE).until(() -> "websocket".equals(client.transport().get()));
      String headline = "upgraded " + UUID.randomUUID();
      app.bean(Headlines.class).publish(headline);
      assertThat(client.nextHeadline()).isEqualTo(headline);
    }
  }

  @Test
  void javaClientOnWebSocketOnlyReceivesTheServicesHeadline() throws Exception {
    try (Clients.Client client = Clients.connect(app.port(), "/socket.io/", "websocket")) {
      String headline = "websocket " + UUID.randomUUID();
      app.bean(Headlines.class).publish(headline);
      assertThat(client.nextHeadline()).isEqualTo(headline);
      assertThat(client.transport().get()).isEqualTo("websocket");
    }
  }

  @ParameterizedTest(name = "npm socket.io-client, {0} transports")
  @ValueSource(strings = {"default", "websocket"})
  void npmClientReceivesTheServicesHeadline(String mode) throws Exception {
    try (NodeClient node = NodeClient.start(app.port(), "/socket.io/", mode)) {
      node.awaitJoined();
      String headline = mode + " " + UUID.randomUUID();
      app.bean(Headlines.class).publish(headline);

      JsonNode observed = node.result();
      assertThat(observed.path("greeting").asText()).isEqualTo("news");
      assertThat(observed.path("received").asText()).isEqualTo(headline);
      assertThat(observed.path("initialTransport").asText()).isEqualTo(mode.equals("default") ? "polling"
          : "websocket");
      assertThat(observed.path("finalTransport").asText()).isEqualTo("websocket");
    }
  }

  @Test
  void theInjectedServerAndEmitterAreTheOneServerClientsReach() {
    NotifyServer io = app.bean(NotifyServer.class);
    assertThat(app.bean(Emitter.class)).isSameAs(io).isSameAs(app.bean(NotifyServer.class));
    try (Clients.Client client = Clients.connect(app.port(), "/socket.io/", "websocket")) {
      assertThat(client.call("echo", "ping")).containsExactly("ping");
      assertThat(io.clientsCount()).isPositive();
    }
  }
}
