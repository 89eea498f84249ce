package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The starter in a Spring Boot application, reached by the official Java and JavaScript clients. One subclass per
 * embedded server; the build runs each with only that server on the class path, as an application has.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
abstract class AbstractSpringBootAppTest {

  @LocalServerPort
  int port;

  @Autowired
  WebServerApplicationContext context;

  @Autowired
  TestApp.NewsService news;

  @Autowired
  Emitter emitter;

  @Autowired
  NotifyServer io;

  /** The embedded server the application must run on: the class path chooses it. */
  abstract Class<? extends WebServer> expectedWebServer();

  @Test
  void theApplicationRunsOnItsEmbeddedServer() {
    assertThat(context.getWebServer()).isInstanceOf(expectedWebServer());
  }

  @Test
  void theEmitterBeanIsTheServer() {
    assertThat(emitter).isSameAs(io);
  }

  @Test
  void pollingClientUpgradesToWebSocketAndReceivesTheServiceEmitToItsRoom() throws Exception {
    try (Clients.Client client = Clients.connect(port, "/socket.io/")) {
      await().atMost(Clients.DEADLINE).until(() -> "websocket".equals(client.transport().get()));
      news.publish("upgraded");
      assertThat(client.nextHeadline()).isEqualTo("upgraded");
    }
  }

  @Test
  void pollingOnlyClientReceivesTheServiceEmitToItsRoom() throws Exception {
    try (Clients.Client client = Clients.connect(port, "/socket.io/", "polling")) {
      news.publish("over polling");
      assertThat(client.nextHeadline()).isEqualTo("over polling");
      assertThat(client.transport().get()).isEqualTo("polling");
    }
  }

  @Test
  void webSocketOnlyClientReceivesTheServiceEmitToItsRoom() throws Exception {
    try (Clients.Client client = Clients.connect(port, "/socket.io/", "websocket")) {
      assertThat(client.transport().get()).isEqualTo("websocket");
      news.publish("over websocket");
      assertThat(client.nextHeadline()).isEqualTo("over websocket");
    }
  }

  @Test
  void eventRegisteredByAConfigurerAnswersItsAck() {
    try (Clients.Client client = Clients.connect(port, "/socket.io/", "websocket")) {
      Object[] answer = client.call("echo", "ping", 42);
      assertThat(answer).containsExactly("ping", 42);
    }
  }

  @Test
  void javaTimeValuesReachTheClientAsIsoStrings() throws Exception {
    try (Clients.Client client = Clients.connect(port, "/socket.io/", "websocket")) {
      Object[] answer = client.call("stamp", "2026-12-04T06:30:00Z");
      JSONObject stamp = (JSONObject) answer[0];
      assertThat(stamp.getString("label")).isEqualTo("given");
      assertThat(stamp.getString("at")).isEqualTo("2026-12-04T06:30:00Z");
    }
  }

  @ParameterizedTest(name = "npm client, {0} transports")
  @ValueSource(strings = {"default", "websocket"})
  void npmClientReceivesTheServiceEmitToItsRoom(String mode) throws Exception {
    String label = "npm-" + mode;
    try (NodeClient client = NodeClient.start(port, label, mode)) {
      await().atMost(Clients.DEADLINE).until(() -> inNews(label));
      news.publish("to " + label);
      JsonNode seen = client.result();
      assertThat(seen.path("headline").asText()).isEqualTo("to " + label);
      assertThat(seen.path("initialTransport").asText()).isEqualTo(mode.equals("default") ? "polling" : "websocket");
      assertThat(seen.path("finalTransport").asText()).isEqualTo("websocket");
    }
  }

  /** Whether the client that connected with {@code ?label=} has joined {@code news}. */
  private boolean inNews(String label) {
    return io.of("/").sockets().values().stream()
        .filter(socket -> label.equals(socket.handshake().query().get("label")))
        .map(Socket::rooms)
        .anyMatch(rooms -> rooms.contains("news"));
  }
}
