package dev.notify.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBufferTest {

  private final EventBuffer buffer = new EventBuffer();

  private static long sum(List<Map<String, Object>> events, String type, String subType) {
    return events.stream().filter(e -> e.get("type").equals(type) && java.util.Objects.equals(e.get("subType"),
        subType)).mapToLong(e -> (Long) e.get("count")).sum();
  }

  @Test
  void countsAreAggregatedAsTheUiReadsThemAndDrainedOnce() {
    buffer.connectionOpened("websocket");
    buffer.connectionOpened("polling");
    buffer.connectionClosed("transport close");
    buffer.packetReceived(10);
    buffer.packetReceived(5);
    buffer.packetsSent(3, 100);

    List<Map<String, Object>> events = buffer.drain();

    assertThat(sum(events, "rawConnection", null)).isEqualTo(2);
    assertThat(sum(events, "rawDisconnection", "transport close")).isEqualTo(1);
    assertThat(sum(events, "packetsIn", null)).isEqualTo(2);
    assertThat(sum(events, "bytesIn", null)).isEqualTo(15);
    assertThat(sum(events, "packetsOut", null)).isEqualTo(3);
    assertThat(sum(events, "bytesOut", null)).isEqualTo(100);
    assertThat(events).allSatisfy(e -> assertThat((Long) e.get("timestamp") % 1000).isZero());
    assertThat(buffer.drain()).as("nothing twice, no zero counts").isEmpty();
  }
}
