package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/** The starter in a Spring Boot application on embedded Tomcat, reached by the official Java client. */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SpringBootAppTest {

  @LocalServerPort
  int port;

  @Autowired
  TestApp.NewsService news;

  @Autowired
  Emitter emitter;

  @Autowired
  NotifyServer io;

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
}
