package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Long-polling needs sticky sessions: what the npm client sees when its requests reach a node that does not hold
 * its session, behind a load balancer (a small proxy in the Node script) in front of two containers A and B. The
 * node answers 400 {@code {"code":1,"message":"Session ID unknown"}}; the client reports a transport error
 * ({@code xhr poll error} or {@code xhr post error}, with the status and body) and reconnects. The README's
 * cluster section states these facts.
 */
class ContainerStickySessionIT {

  private static final String UNKNOWN_SID = "{\"code\":1,\"message\":\"Session ID unknown\"}";
  private static final RunningContainers nodesA = new RunningContainers(ScenarioServer::new);
  private static final RunningContainers nodesB = new RunningContainers(ScenarioServer::new);

  @AfterAll
  static void stopContainers() {
    nodesA.close();
    nodesB.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void aPollLandingOnAnotherNodeIsATransportErrorAndTheClientReconnects(ContainerKind kind) throws Exception {
    JsonNode seen = NodeScript.run("containers-wrong-node.mjs", Duration.ofSeconds(60),
        nodesA.get(kind).container().url(), nodesB.get(kind).container().url(), "flip");

    assertThat(seen.path("connectErrors")).as(seen.toString()).isEmpty();
    JsonNode first = seen.path("disconnects").path(0);
    assertThat(first.path("reason").asText()).as(seen.toString()).isEqualTo("transport error");
    assertTransportError(first);
    assertThat(seen.path("connects").asInt()).as("connected to A, then again to B").isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void withoutStickinessAPollingClientNeverGetsConnected(ContainerKind kind) throws Exception {
    JsonNode seen = NodeScript.run("containers-wrong-node.mjs", Duration.ofSeconds(60),
        nodesA.get(kind).container().url(), nodesB.get(kind).container().url(), "round-robin");

    assertThat(seen.path("connects").asInt()).as(seen.toString()).isZero();
    // each attempt: the handshake succeeds on one node, the next request fails on the other
    assertThat(seen.path("disconnects")).hasSizeGreaterThanOrEqualTo(3).allSatisfy(d -> {
      assertThat(d.path("reason").asText()).isEqualTo("transport error");
      assertTransportError(d);
    });
    assertThat(seen.path("connectErrors")).isNotEmpty().allSatisfy(ContainerStickySessionIT::assertTransportError);
  }

  private static void assertTransportError(JsonNode error) {
    assertThat(error.path("message").asText()).isIn("xhr poll error", "xhr post error");
    assertThat(error.path("status").asInt()).isEqualTo(400);
    assertThat(error.path("body").asText()).isEqualTo(UNKNOWN_SID);
  }
}
