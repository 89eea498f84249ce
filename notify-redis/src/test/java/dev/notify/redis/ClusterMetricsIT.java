package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.micrometer.MicrometerMetrics;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NotificationNode;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Two notification nodes, each with its own registry: the cluster and notification meters, added over both nodes,
 * count exactly what the test made happen, whichever node claimed each job.
 */
class ClusterMetricsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MeterRegistry registryA = new SimpleMeterRegistry();
  private final MeterRegistry registryB = new SimpleMeterRegistry();

  /** A counter's count, or a timer's or summary's, added over both nodes. */
  private double sum(ToDoubleFunction<MeterRegistry> read) {
    return read.applyAsDouble(registryA) + read.applyAsDouble(registryB);
  }

  private static double counter(MeterRegistry registry, String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double deliveredCount(MeterRegistry registry) {
    return registry.find("notify.notifications.delivered").timer().count();
  }

  @Test
  void deliveriesAcrossNodesFallbacksAndCatchUpAreCountedExactly() throws Exception {
    String adapterKey = RedisExtension.uniqueKey("metrics");
    String prefix = RedisExtension.uniqueKey("metrics-store");
    try (NotificationNode a = NotificationNode.start(RedisExtension.url(), adapterKey, prefix,
            b -> b.ackTimeout(Duration.ofSeconds(5)), MicrometerMetrics.of(registryA));
        NotificationNode b = NotificationNode.start(RedisExtension.url(), adapterKey, prefix,
            builder -> builder.ackTimeout(Duration.ofSeconds(5)), MicrometerMetrics.of(registryB));
        Device phone = Device.connect("alice", "phone", true, b.url())) {
      NotificationService sender = a.service();

      // a first one, through the phone's catch-up at connect or live, then quiet: the counts below start here
      NotificationId first = sender.send("alice", Notification.of("t", "first", "m")).get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> phone.ids().contains(first.toString()));
      await().atMost(WAIT).until(() -> a.store().exactQueueDepth().get(5, TimeUnit.SECONDS) == 0);
      double delivered = sum(ClusterMetricsIT::deliveredCount);
      double answersIn = sum(r -> counter(r, "notify.cluster.messages", "direction", "in", "type",
          "ServerSideEmitResponse"));
      double answersOut = sum(r -> counter(r, "notify.cluster.messages", "direction", "out", "type",
          "ServerSideEmitResponse"));
      double requestsOut = sum(r -> counter(r, "notify.cluster.messages", "direction", "out", "type",
          "ServerSideEmit"));
      double requestsIn = sum(r -> counter(r, "notify.cluster.messages", "direction", "in", "type",
          "ServerSideEmit"));
      double phoneAcks = registryB.find("notify.acks").tags("namespace", "/").timer().count();

      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        NotificationId id = sender.send("alice", Notification.of("t", "n" + i, "m")).get(10, TimeUnit.SECONDS);
        sent.add(id.toString());
      }
      await().atMost(WAIT).until(() -> phone.ids().containsAll(sent));
      await().atMost(WAIT).until(() -> sum(ClusterMetricsIT::deliveredCount) - delivered == 20);

      // every claimed batch (one to 20 of them: as the sends came) asks the other node once for the users' devices
      // and gets one answer (a sender on a server wakes its own deliverer, without a message)
      double batches = sum(r -> counter(r, "notify.cluster.messages", "direction", "out", "type", "ServerSideEmit"))
          - requestsOut;
      assertThat(batches).isBetween(1.0, 20.0);
      await().atMost(WAIT).until(() -> sum(r -> counter(r, "notify.cluster.messages", "direction", "in",
          "type", "ServerSideEmitResponse")) - answersIn == batches);
      assertThat(sum(r -> counter(r, "notify.cluster.messages", "direction", "out", "type",
          "ServerSideEmitResponse")) - answersOut).isEqualTo(batches);
      assertThat(sum(r -> counter(r, "notify.cluster.messages", "direction", "in", "type", "ServerSideEmit"))
          - requestsIn).isEqualTo(batches);
      assertThat(sum(r -> counter(r, "notify.notifications.retries"))).isZero();
      assertThat(sum(r -> counter(r, "notify.acks.timeouts", "namespace", "/"))).isZero();
      assertThat(registryB.find("notify.acks").tags("namespace", "/").timer().count() - phoneAcks)
          .as("the phone on node B acked each one").isEqualTo(20);

      // nobody's device is connected anywhere: each goes to the fallback channel at once
      for (int i = 0; i < 3; i++) {
        sender.send("bob", Notification.of("t", "offline " + i, "m")).get(10, TimeUnit.SECONDS);
      }
      await().atMost(WAIT).until(() -> sum(r -> counter(r, "notify.notifications.fallbacks", "reason",
          "offline")) == 3);

      // bob's first device catches up on the three in one batch (alice's phone may have had one too: its
      // catch-up at connect can race the first sends)
      double batchesBefore = sum(r -> r.find("notify.notifications.catchup").summary().count());
      double sizesBefore = sum(r -> r.find("notify.notifications.catchup").summary().totalAmount());
      try (Device laptop = Device.connect("bob", "laptop", true, a.url())) {
        await().atMost(WAIT).until(() -> laptop.ids().size() == 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(List.of(
            sum(r -> r.find("notify.notifications.catchup").summary().count()) - batchesBefore,
            sum(r -> r.find("notify.notifications.catchup").summary().totalAmount()) - sizesBefore))
            .as("catch-up batches, notifications in them").containsExactly(1.0, 3.0));
      }

      // every message published reached Redis and was timed
      for (MeterRegistry registry : List.of(registryA, registryB)) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(
            registry.find("notify.cluster.publish.latency").timer().count())
            .isEqualTo((long) registry.find("notify.cluster.messages").tags("direction", "out").counters().stream()
                .mapToDouble(c -> c.count()).sum()));
        assertThat(registry.find("notify.cluster.outage").gauge().value()).isZero();
        await().atMost(WAIT).until(() -> registry.find("notify.notifications.queue").gauge().value() == 0.0);
      }
      // node A's deliverer asked the other node for alice's devices: it saw two servers
      assertThat(registryA.find("notify.cluster.servers").gauge().value()).isEqualTo(2.0);
    } finally {
      RedisKeys.deleteStoreKeys(RedisExtension.url(), prefix);
    }
  }
}
