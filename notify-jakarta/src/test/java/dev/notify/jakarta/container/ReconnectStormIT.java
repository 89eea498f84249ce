package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every client of a restarted node reconnecting at once, against a node that opens at most 500 sessions a
 * second: the refused ones come back with their reconnection backoff until all are in, none starves, and
 * nothing of them stays on the heap once they left. The limit is set below what one generator process reaches on
 * a loaded 2-core machine (600 to 2,000 handshakes a second), so that it is reached every run.
 */
class ReconnectStormIT {

  private static final int CLIENTS = 10_000;
  /**
   * What may stay on the heap per client once all have left: nothing of the server's, but the test's log recorder
   * keeps the DEBUG line of each refused handshake (about 1 KB per client).
   */
  private static final long HEAP_LEFT_PER_CLIENT = 4096;

  private NotifyServer io;
  private NotifyStandalone http;

  @AfterEach
  void stop() {
    if (io != null) {
      io.close();
      http.close();
    }
  }

  @Test
  void tenThousandClientsReconnectingAtOnceAllGetInPastAHandshakeLimit() throws Exception {
    io = NotifyServer.builder().handshakesPerSecond(500).build();
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
    long heapBefore = usedHeapAfterGc();

    JsonNode result = NodeScript.run("reconnect-storm.mjs", Duration.ofMinutes(3),
        "http://127.0.0.1:" + http.port(), String.valueOf(CLIENTS), "120000");

    assertThat(result.path("connected").asInt()).as(result.toString()).isEqualTo(CLIENTS);
    assertThat(result.path("refused").path("websocket").asInt()).as("WebSocket attempts refused with 1013: the "
        + "limit was reached " + result).isPositive();
    assertThat(result.path("refused").path("polling").asInt()).as("polling handshakes refused with 503 "
        + result).isPositive();
    assertThat(result.path("failed").asInt()).as("attempts that failed otherwise " + result).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> io.clientsCount() == 0);
    long perClient = (usedHeapAfterGc() - heapBefore) / CLIENTS;
    assertThat(perClient).as("heap left per client in bytes").isLessThan(HEAP_LEFT_PER_CLIENT);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
