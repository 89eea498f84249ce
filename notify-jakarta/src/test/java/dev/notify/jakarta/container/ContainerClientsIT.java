package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The container matrix: in embedded Tomcat 11, embedded Jetty 12, the Tyrus/Grizzly standalone server and Netty, the
 * real Java client and the npm client connect with default transports (polling, then upgrade), with polling only
 * and with WebSocket only, and exchange events, acks and binary (two attachments) both ways.
 */
class ContainerClientsIT {

  private static final RunningContainers containers = new RunningContainers(ScenarioServer::new);
  private static final AtomicInteger labels = new AtomicInteger();

  @AfterAll
  static void stopContainers() {
    containers.close();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (ContainerKind container : ContainerKind.values()) {
      for (ClientKind client : ClientKind.values()) {
        for (ClientMode mode : ClientMode.values()) {
          cases.add(Arguments.of(container, client, mode));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1} client, {2} transports")
  @MethodSource("matrix")
  void clientExchangesEventsAcksAndBinaryBothWays(ContainerKind kind, ClientKind client, ClientMode mode)
      throws Exception {
    RunningContainers.Running running = containers.get(kind);
    ScenarioServer server = running.server();
    String label = client + "-" + mode + "-" + labels.incrementAndGet();

    JsonNode seen = client.exchange(running.container().url(), label, mode);

    assertExchanged(server, label, mode, seen);
  }

  /** Asserts what the client reported of the exchange ({@link ClientKind#exchange}), and what the server saw. */
  static void assertExchanged(ScenarioServer server, String label, ClientMode mode, JsonNode seen) throws Exception {
    // what the client saw
    assertThat(seen.path("initialTransport").asText()).isEqualTo(mode == ClientMode.WEBSOCKET ? "websocket" : "polling");
    assertThat(seen.path("finalTransport").asText()).as("transport at the end")
        .isEqualTo(mode == ClientMode.POLLING ? "polling" : "websocket");
    assertThat(seen.get("c2sAck")).isEqualTo(json("[\"ack:c2s\",{\"n\":1,\"text\":\"h\u00e9llo \u2713\"}]"));
    assertThat(seen.get("uploadAck")).as("binary ack, server to client").isEqualTo(json("[\"fafbfcfd\",\"010203\"]"));
    assertThat(seen.path("startAck").asText()).isEqualTo("started");
    assertThat(seen.get("s2c")).isEqualTo(json("[\"hello " + label + "\",42]"));
    assertThat(seen.get("download")).as("binary event, server to client")
        .isEqualTo(json("[\"" + ScenarioServer.hex(ScenarioServer.DOWNLOAD_A) + "\",\""
            + ScenarioServer.hex(ScenarioServer.DOWNLOAD_B) + "\"]"));
    assertThat(seen.get("lastAck")).isEqualTo(json("[\"ack:c2s\",{\"n\":2}]"));

    // what the server saw
    assertThat(JavaClients.await(server.seen(label, "address"), "address")).isEqualTo("127.0.0.1");
    assertThat(JavaClients.await(server.seen(label, "c2s#1"), "c2s"))
        .isEqualTo(json("{\"n\":1,\"text\":\"h\u00e9llo \u2713\"}"));
    assertThat(JavaClients.await(server.seen(label, "upload"), "upload")).as("binary event, client to server")
        .isEqualTo(List.of("010203", "fafbfcfd"));
    assertThat(JavaClients.await(server.seen(label, "ask-ack"), "ask ack")).isEqualTo("answer:question");
    assertThat(JavaClients.await(server.seen(label, "download-ack"), "download ack"))
        .as("binary ack, client to server")
        .isEqualTo(List.of(ScenarioServer.hex(ScenarioServer.DOWNLOAD_B), ScenarioServer.hex(ScenarioServer.DOWNLOAD_A)));
    assertThat(JavaClients.await(server.seen(label, "c2s#2"), "second c2s")).isEqualTo(json("{\"n\":2}"));
  }

  /**
   * Jakarta WebSocket gives the endpoint the handshake's headers only through the configurator's user
   * properties, which must be a per-connection copy (WebSocket 2.1), and the peer address only through
   * container-specific properties: concurrent handshakes must each see their own headers, URL and address.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void concurrentWebSocketHandshakesEachSeeTheirOwnHeadersAndAddress(ContainerKind kind) throws Exception {
    RunningContainers.Running running = containers.get(kind);
    List<JavaClients.Connected> clients = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        String label = "ws-headers-" + labels.incrementAndGet();
        names.add(label);
        clients.add(JavaClients.create(running.container().url(), label, ClientMode.WEBSOCKET, "",
            Map.of("X-Label", List.of(label))));
      }
      clients.forEach(c -> c.socket().connect()); // all handshakes in flight together
      for (String label : names) {
        ScenarioServer server = running.server();
        assertThat(JavaClients.await(server.seen(label, "header"), "x-label of " + label)).isEqualTo(label);
        assertThat((String) JavaClients.await(server.seen(label, "url"), "url of " + label))
            .startsWith("/socket.io/?").contains("label=" + label).contains("transport=websocket");
        assertThat(JavaClients.await(server.seen(label, "address"), "address of " + label)).isEqualTo("127.0.0.1");
      }
      for (JavaClients.Connected client : clients) {
        assertThat(client.call("echo", "still there")).containsExactly("still there");
        assertThat(client.transport().get()).isEqualTo("websocket");
      }
    } finally {
      clients.forEach(JavaClients.Connected::close);
    }
  }

  private static JsonNode json(String text) throws Exception {
    return ClientKind.JSON.readTree(text);
  }
}
