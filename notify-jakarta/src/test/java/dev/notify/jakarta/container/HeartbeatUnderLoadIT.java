package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Healthy clients are never taken for dead while the server is busy: two nodes with the compliance suites'
 * heartbeat (ping every 300 ms, 200 ms to answer), 500 npm clients connecting in waves of 50 every 500 ms (one in
 * five by polling, then upgrading), each echoing once a second. Timing is the point of this test: it runs the heartbeat
 * 100 times faster than the default so that a busy machine (run it with scripts/flaky-hunt's CPU hog) shows
 * any ping that eats into a client's time. The measured pass follows two warm-up passes of the same load: on 2
 * cores the JIT compiling a cold JVM takes the CPU for seconds (longer beside a CPU hog), which no 200 ms heartbeat
 * survives, Node's included when it shares the cores with it; the default 20 s one does not notice.
 */
class HeartbeatUnderLoadIT {

  private final List<NotifyServer> servers = new ArrayList<>();
  private final List<NotifyStandalone> listeners = new ArrayList<>();
  private final Map<DisconnectReason, AtomicInteger> serverDisconnects = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    servers.forEach(NotifyServer::close);
    listeners.forEach(NotifyStandalone::close);
  }

  @Test
  void noHealthyClientIsClosedForPingTimeoutWhileFiveHundredConnectInWaves() throws Exception {
    // 100 handshakes a second: at 500 a second beside a CPU hog, Tyrus's handshakes on the selector threads delay
    // some pongs past 200 ms (see the closing note of the protection issue)
    String first = node();
    String second = node();
    for (int warmUp = 0; warmUp < 2; warmUp++) {
      NodeScript.run("heartbeat-load.mjs", Duration.ofMinutes(3), "500", "50", "500", "2000", first, second);
    }
    await().atMost(Duration.ofSeconds(30))
        .until(() -> servers.stream().allMatch(io -> io.clientsCount() == 0));
    serverDisconnects.clear();

    JsonNode result = NodeScript.run("heartbeat-load.mjs", Duration.ofMinutes(3), "500", "50", "500", "5000",
        first, second);

    assertThat(result.path("connectErrors").asInt()).as("connect errors " + result).isZero();
    assertThat(result.path("connected").asInt()).as(result.toString()).isEqualTo(500);
    assertThat(result.path("disconnects").size()).as("client-side disconnects " + result).isZero();
    assertThat(result.path("stillConnected").asInt()).as(result.toString()).isEqualTo(500);
    assertThat(result.path("echoFailures").asInt()).as(result.toString()).isZero();
    assertThat(serverDisconnects).as("server-side disconnects")
        .containsOnlyKeys(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
  }

  private String node() {
    NotifyServer io = NotifyServer.builder()
        .pingInterval(Duration.ofMillis(300))
        .pingTimeout(Duration.ofMillis(200))
        .build();
    io.onConnection(socket -> {
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.onDisconnect(reason -> serverDisconnects.computeIfAbsent(reason, r -> new AtomicInteger())
          .incrementAndGet());
    });
    NotifyStandalone http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
    servers.add(io);
    listeners.add(http);
    return "http://127.0.0.1:" + http.port();
  }
}
