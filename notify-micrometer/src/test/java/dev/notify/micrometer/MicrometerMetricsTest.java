package dev.notify.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The meters {@link MicrometerMetrics} makes of each report: names, tags, counts, and gauges that add up. */
class MicrometerMetricsTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerMetrics metrics = MicrometerMetrics.of(registry);

  @Test
  void oneRecorderPerRegistrySoThatServersSharingOneAddUp() {
    assertThat(MicrometerMetrics.of(registry)).isSameAs(metrics);
    assertThat(MicrometerMetrics.of(new SimpleMeterRegistry())).isNotSameAs(metrics);

    MicrometerMetrics.of(registry).connectionOpened("websocket");
    metrics.connectionOpened("polling");

    assertThat(registry.get("notify.connections").gauge().value()).isEqualTo(2);
  }

  @Test
  void aNullRegistryIsRefusedByName() {
    assertThatThrownBy(() -> MicrometerMetrics.of(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }

  @Test
  void connectionsAndSocketsAreGaugedAndCountedByTransportReasonAndNamespace() {
    metrics.connectionOpened("websocket");
    metrics.connectionOpened("websocket");
    metrics.connectionOpened("polling");
    metrics.connectionClosed("transport close");
    metrics.requestRefused("forbidden");
    metrics.socketConnected("/");
    metrics.socketConnected("/chat");
    metrics.socketConnected("/chat");
    metrics.socketDisconnected("/chat", "client namespace disconnect");

    assertThat(registry.get("notify.connections").gauge().value()).isEqualTo(2);
    assertThat(registry.get("notify.connections.opened").tag("transport", "websocket").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("notify.connections.closed").tag("reason", "transport close").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("notify.requests.refused").tag("error", "forbidden").counter().count()).isEqualTo(1);
    assertThat(registry.get("notify.sockets").tag("namespace", "/").gauge().value()).isEqualTo(1);
    assertThat(registry.get("notify.sockets").tag("namespace", "/chat").gauge().value()).isEqualTo(1);
    assertThat(registry.get("notify.sockets.disconnected").tags("namespace", "/chat", "reason",
        "client namespace disconnect").counter().count()).isEqualTo(1);
  }

  @Test
  void packetsEventsAcksAndTheOutboundBufferAreRecorded() {
    metrics.packetReceived(10);
    metrics.packetsSent(3, 40);
    metrics.outboundBuffered(100);
    metrics.outboundBuffered(-60);
    metrics.outboundDropped("volatile", 2);
    metrics.eventReceived("/", Duration.ofMillis(3).toNanos());
    metrics.eventHandled("/", Duration.ofMillis(1).toNanos());
    metrics.eventSent("/");
    metrics.eventsSent("/", 250);
    metrics.broadcast(250);
    metrics.ackReceived("/", Duration.ofMillis(20).toNanos());
    metrics.ackTimedOut("/");

    assertThat(registry.get("notify.packets").tag("direction", "in").counter().count()).isEqualTo(1);
    assertThat(registry.get("notify.packets").tag("direction", "out").counter().count()).isEqualTo(3);
    assertThat(registry.get("notify.packets.length").tag("direction", "out").counter().count()).isEqualTo(40);
    assertThat(registry.get("notify.outbound.buffered").gauge().value()).isEqualTo(40);
    assertThat(registry.get("notify.outbound.dropped").tag("cause", "volatile").counter().count()).isEqualTo(2);
    assertThat(registry.get("notify.events.received").tag("namespace", "/").counter().count()).isEqualTo(1);
    assertThat(registry.get("notify.handler.wait").tag("namespace", "/").timer().totalTime(
        java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(3);
    assertThat(registry.get("notify.handler.duration").tag("namespace", "/").timer().count()).isEqualTo(1);
    assertThat(registry.get("notify.events.sent").tag("namespace", "/").counter().count()).isEqualTo(251);
    assertThat(registry.get("notify.broadcast.fanout").summary().totalAmount()).isEqualTo(250);
    assertThat(registry.get("notify.acks").tag("namespace", "/").timer().count()).isEqualTo(1);
    assertThat(registry.get("notify.acks.timeouts").tag("namespace", "/").counter().count()).isEqualTo(1);
  }

  @Test
  void clusterAndNotificationReportsAreRecorded() {
    metrics.clusterMessageSent("Broadcast");
    metrics.clusterMessageReceived("Broadcast");
    metrics.clusterMessageReceived("Broadcast");
    metrics.clusterRequestTimedOut("fetchSockets");
    metrics.notificationDelivered(Duration.ofMillis(12).toNanos());
    metrics.notificationRetried();
    metrics.notificationFallback("offline");
    metrics.catchUpBatch(7);

    assertThat(registry.get("notify.cluster.messages").tags("direction", "out", "type", "Broadcast").counter()
        .count()).isEqualTo(1);
    assertThat(registry.get("notify.cluster.messages").tags("direction", "in", "type", "Broadcast").counter()
        .count()).isEqualTo(2);
    assertThat(registry.get("notify.cluster.requests.timeouts").tag("type", "fetchSockets").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("notify.notifications.delivered").timer().count()).isEqualTo(1);
    assertThat(registry.get("notify.notifications.retries").counter().count()).isEqualTo(1);
    assertThat(registry.get("notify.notifications.fallbacks").tag("reason", "offline").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("notify.notifications.catchup").summary().totalAmount()).isEqualTo(7);
  }

  @Test
  void clusterStateAndTheDeliveryQueueAreGauged() {
    metrics.clusterPublished(Duration.ofMillis(3).toNanos());
    metrics.clusterPublished(Duration.ofMillis(5).toNanos());
    metrics.clusterServers(3);
    metrics.clusterOutage(true);
    metrics.notificationQueueDepth(42);

    assertThat(registry.get("notify.cluster.publish.latency").timer().count()).isEqualTo(2);
    assertThat(registry.get("notify.cluster.publish.latency").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(5);
    assertThat(registry.get("notify.cluster.servers").gauge().value()).isEqualTo(3);
    assertThat(registry.get("notify.cluster.outage").gauge().value()).isEqualTo(1);
    assertThat(registry.get("notify.notifications.queue").gauge().value()).isEqualTo(42);

    metrics.clusterOutage(false);
    assertThat(registry.get("notify.cluster.outage").gauge().value()).isZero();
  }
}
