package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An upgrade under traffic, in each container: the server emits 1,000 numbered events to a client, one per
 * millisecond from the moment it connects over long-polling, while the client upgrades to WebSocket (emission
 * holds at 500 until the client reports its upgrade, so the traffic always outlasts it). The client must receive
 * every number exactly once, in order: whatever went over polling, was queued during the upgrade and flushed over
 * WebSocket, or was sent over WebSocket afterwards.
 */
class ContainerUpgradeUnderTrafficIT {

  private static final int COUNT = 1000;
  private static final RunningContainers containers = new RunningContainers(ScenarioServer::new);

  @AfterAll
  static void stopContainers() {
    containers.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (ContainerKind container : ContainerKind.values()) {
      for (ClientKind client : ClientKind.values()) {
        cases.add(Arguments.of(container, client));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1} client")
  @MethodSource("cases")
  void clientReceivesEveryEventExactlyOnceInOrderAcrossTheUpgrade(ContainerKind kind, ClientKind client)
      throws Exception {
    RunningContainers.Running running = containers.get(kind);
    String label = "traffic-" + client + "-" + kind;

    JsonNode seen = client.traffic(running.container().url(), label, COUNT);

    assertThat(seen.path("initialTransport").asText()).isEqualTo("polling");
    assertThat(seen.path("finalTransport").asText()).isEqualTo("websocket");
    List<Integer> received = new ArrayList<>();
    seen.path("received").forEach(n -> received.add(n.asInt()));
    assertThat(received).as("numbers in arrival order").containsExactlyElementsOf(
        IntStream.range(0, COUNT).boxed().toList());
    // The server holds at COUNT/2 until the client reports its upgrade, so at least half of the events came
    // after it. How many came before depends on timing: the client probes WebSocket right after the handshake,
    // usually before its Socket.IO CONNECT is answered, so the first events are most often the ones the server
    // queued during the upgrade and flushed over WebSocket (upgradeIndex 0); otherwise they came over polling.
    assertThat(seen.path("upgradeIndex").asInt()).as("events received when the upgrade completed")
        .isBetween(0, COUNT / 2);
    assertThat(running.server().seen(label, "upgraded")).as("the client told the server it upgraded").isDone();
  }
}
