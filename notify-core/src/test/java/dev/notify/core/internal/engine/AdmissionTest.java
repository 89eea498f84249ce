package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.EngineOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which handshakes may open a session: connection limits per node and per client address, and a handshake rate. */
class AdmissionTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();

  @Test
  void aNodeAtMaxConnectionsRefusesHandshakesUntilASessionEnds() {
    EngineServer server = server(EngineOptions.builder().maxConnections(2));
    EngineSession first = open(server, "10.0.0.1");
    open(server, "10.0.0.2");

    EngineServer.Busy busy = server.admit(from("10.0.0.3"));

    assertThat(busy.reason()).isEqualTo("server full: 2 connections");
    assertThat(busy.retryAfterSeconds()).isPositive();
    first.close(CloseReason.TRANSPORT_CLOSE, null);
    assertThat(server.admit(from("10.0.0.3"))).isNull();
  }

  @Test
  void oneAddressAtItsLimitIsRefusedWhileOthersGetIn() {
    EngineServer server = server(EngineOptions.builder().maxConnectionsPerAddress(2));
    EngineSession first = open(server, "10.0.0.1");
    open(server, "10.0.0.1");

    assertThat(server.admit(from("10.0.0.1")).reason()).isEqualTo("too many connections from 10.0.0.1: 2");
    assertThat(server.admit(from("10.0.0.2"))).isNull();
    first.close(CloseReason.TRANSPORT_CLOSE, null);
    assertThat(server.admit(from("10.0.0.1"))).isNull();
    assertThat(server.sessionsFrom("10.0.0.1")).isOne();
  }

  @Test
  void forwardedForNamesTheClientOnlyWhenATrustedProxySaysSo() {
    EngineOptions options = EngineOptions.builder().trustedProxies("10.0.0.9", "10.0.0.8").build();

    assertThat(options.clientAddress("10.0.0.9", "203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(options.clientAddress("10.0.0.9", "198.51.100.1, 203.0.113.7, 10.0.0.8"))
        .as("the last hop that is not one of ours").isEqualTo("203.0.113.7");
    assertThat(options.clientAddress("192.0.2.1", "203.0.113.7"))
        .as("an untrusted peer cannot claim an address").isEqualTo("192.0.2.1");
    assertThat(options.clientAddress("10.0.0.9", null)).isEqualTo("10.0.0.9");
  }

  @Test
  void clientsBehindOneTrustedProxyAreCountedApart() {
    EngineServer server = server(EngineOptions.builder().maxConnectionsPerAddress(1).trustedProxies("10.0.0.9"));
    server.open(new TestTransport("websocket"), from("10.0.0.9", "203.0.113.7"));

    assertThat(server.admit(from("10.0.0.9", "203.0.113.7"))).isNotNull();
    assertThat(server.admit(from("10.0.0.9", "203.0.113.8"))).isNull();
  }

  @Test
  void handshakesPastTheRateAreRefusedWithTheSecondsUntilThereIsRoom() {
    EngineServer server = server(EngineOptions.builder().handshakesPerSecond(5));

    for (int i = 0; i < 5; i++) {
      assertThat(server.admit(from("10.0.0.1"))).as("handshake %d of the burst", i).isNull();
    }
    EngineServer.Busy busy = server.admit(from("10.0.0.1"));

    assertThat(busy.reason()).isEqualTo("more than 5 handshakes per second");
    assertThat(busy.retryAfterSeconds()).isOne();
  }

  @Test
  void withoutLimitsEveryHandshakeIsAdmitted() {
    EngineServer server = server(EngineOptions.builder());

    for (int i = 0; i < 1_000; i++) {
      assertThat(server.admit(from("10.0.0.1"))).isNull();
    }
  }

  private EngineServer server(EngineOptions.Builder options) {
    return new EngineServer(options.build(), scheduler, session -> listener);
  }

  private static EngineSession open(EngineServer server, String address) {
    assertThat(server.admit(from(address))).isNull();
    return server.open(new TestTransport("websocket"), from(address));
  }

  private static EngineRequest from(String peer, String... forwardedFor) {
    Map<String, List<String>> headers = forwardedFor.length == 0 ? Map.of()
        : Map.of("x-forwarded-for", List.of(forwardedFor[0]));
    return new EngineRequest(headers, Map.of("EIO", "4", "transport", "websocket"), peer,
        "/engine.io/?EIO=4&transport=websocket", false);
  }
}
