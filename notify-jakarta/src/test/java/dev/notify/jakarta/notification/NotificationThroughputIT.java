package dev.notify.jakarta.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.jakarta.testing.Await;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures end-to-end delivery on one node: {@value #USERS} users, each on one npm {@code socket.io-client} that
 * acknowledges every notification (all in one Node process, {@code interop/clients/notification-load.mjs}); the
 * test sends N notifications round-robin and times until the store shows every one delivered. It prints
 * notifications/s persisted and acknowledged, and the CPU time of this JVM (server and sender) per notification.
 * Asserts only that every notification was delivered: the figure depends on the machine.
 *
 * <pre>
 * mvn -o -pl notify-jakarta -am verify -Dit.test=NotificationThroughputIT -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dnotify.throughput.notifications=50000
 * </pre>
 */
class NotificationThroughputIT {

  private static final int USERS = 200;
  private static final int NOTIFICATIONS = Integer.getInteger("notify.throughput.notifications", 20_000);

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  @Test
  void printsTheEndToEndDeliveryThroughputOfOneNode() throws Exception {
    fixture.start();
    try (NodeProcess load = new NodeProcess("notification-load.mjs", fixture.uri().toString(),
        Integer.toString(USERS), "user-")) {
      load.await("ready");
      await().atMost(Await.DEADLINE).until(() -> fixture.io().of("/").sockets().size() == USERS);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      // warm-up, not measured: the JIT compiles the paths the measured run takes
      run(NOTIFICATIONS / 10, "warm-up ");

      long cpuBefore = os.getProcessCpuTime();
      long start = System.nanoTime();
      long sent = run(NOTIFICATIONS, "");
      long done = System.nanoTime();
      long cpu = os.getProcessCpuTime() - cpuBefore;

      load.sendLine("count");
      JsonNode counts = load.await("count");
      double seconds = (done - start) / 1e9;
      System.out.printf("throughput: %,d notifications to %d users persisted and acknowledged in %.2f s = %,.0f "
              + "notifications/s (sends returned after %.2f s); JVM CPU %.0f µs per notification; client got %d "
              + "with the warm-up (%d live, %d batches)%n", NOTIFICATIONS, USERS, seconds, NOTIFICATIONS / seconds,
          (sent - start) / 1e9, cpu / 1e3 / NOTIFICATIONS, counts.path("notifications").asLong(),
          counts.path("new").asLong(), counts.path("batch").asLong());
      assertThat(counts.path("notifications").asLong()).isGreaterThanOrEqualTo(NOTIFICATIONS + NOTIFICATIONS / 10);
    }
  }

  /** Sends {@code count} notifications round-robin, waits until all are delivered; returns when sends returned. */
  private long run(int count, String title) throws Exception {
    List<CompletableFuture<NotificationId>> sends = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sends.add(fixture.service().send("user-" + (i % USERS), Notification.of("load", title + "notification " + i,
          "a message of about this length, like a real one")));
    }
    CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).get();
    long sent = System.nanoTime();
    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(this::allDelivered);
    return sent;
  }

  /** Whether no user has a pending notification left. */
  private boolean allDelivered() {
    Instant now = Instant.now();
    for (int u = 0; u < USERS; u++) {
      if (!fixture.store().undelivered("user-" + u, null, null, 1, now).join().isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
