package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.redis.testing.NodeProcess;
import dev.notify.redis.testing.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rolling deploy: node A drains over 10 s while its 2,000 official npm clients, given node B's address for their
 * reconnection, move to B. Their disconnections are spread over the window, they come back recovered (connection
 * state recovery on the Redis store), and no notification sent meanwhile is lost.
 */
@ExtendWith(RedisExtension.class)
class DrainIT {

  private static final int CLIENTS = 2_000;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A node as an application runs it: Redis adapter, Redis recovery store, notification service, health path. */
  private static final class Node implements AutoCloseable {
    final RedisRecoveryStore recovery;
    final RedisNotificationStore store;
    final NotifyServer io;
    final NotificationService service;
    final NotifyStandalone http;

    Node(String key) throws Exception {
      String url = RedisExtension.url();
      recovery = RedisRecoveryStore.create(RedisRecoveryStoreOptions.builder().url(url).keyPrefix(key + ":recovery")
          .build());
      store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder().url(url)
          .keyPrefix(key + ":store").build());
      io = NotifyServer.builder()
          .adapter(RedisAdapter.factory(RedisAdapterOptions.builder().url(url).key(key).build()))
          .connectionStateRecovery(Duration.ofMinutes(2)).recoveryStore(recovery)
          .build();
      io.use((socket, next) -> {
        socket.data().put("userId", socket.handshake().auth().path("user").asText());
        next.accept();
      });
      service = NotificationService.builder().server(io).store(store).build();
      http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).healthPath("/health").start();
      io.of("/").ready().get(15, TimeUnit.SECONDS);
    }

    String url() {
      return "http://127.0.0.1:" + http.port();
    }

    HttpResponse<String> get(String path) throws Exception {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      service.close();
      io.close();
      http.close();
      store.close();
      recovery.close();
    }
  }

  @Test
  void drainingAMovesItsClientsToBAtABoundedRateRecoveredAndLosesNoNotification() throws Exception {
    String key = RedisExtension.uniqueKey("drain");
    try (Node a = new Node(key); Node b = new Node(key);
        NodeProcess clients = NodeProcess.start("clients/drain.mjs", a.url(), b.url(), Integer.toString(CLIENTS))) {
      assertThat(clients.awaitLine("ready", Duration.ofSeconds(90)).get("ready").asInt()).isEqualTo(CLIENTS);
      assertThat(a.io.clientsCount()).isEqualTo(CLIENTS);
      // a client recovers from the offset of the last event it received, as with Node's server: give them one
      a.io.emit("welcome", "to A");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
          clients.command(NodeProcess.cmd("status")).get("welcomed").asInt() == CLIENTS);
      HttpResponse<String> before = a.get("/health");
      assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
      assertThat(JSON.readTree(before.body()).get("ready").asBoolean()).isTrue();

      Map<NotificationId, String> sent = new HashMap<>();
      List<CompletableFuture<NotificationId>> sends = new ArrayList<>();
      List<String> sendUsers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String user = "u" + ThreadLocalRandom.current().nextInt(CLIENTS);
        sendUsers.add(user);
        sends.add(a.service.send(user, Notification.of("deploy", "before", "sent through A before the drain")));
      }

      CompletableFuture<Void> drained = a.io.drain(WINDOW);
      HttpResponse<String> draining = a.get("/health");
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(draining.body()).get("status").asText()).isEqualTo("DRAINING");
      HttpResponse<String> handshake = a.get("/socket.io/?EIO=4&transport=polling");
      assertThat(handshake.statusCode()).isEqualTo(503);
      assertThat(handshake.headers().firstValue("retry-after")).hasValue("1");

      // notifications keep coming during the deploy, through the node that stays: 20 a second
      ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
      ScheduledFuture<?> sending = pace.scheduleAtFixedRate(() -> {
        String user = "u" + ThreadLocalRandom.current().nextInt(CLIENTS);
        sendUsers.add(user);
        sends.add(b.service.send(user, Notification.of("deploy", "during", "sent through B during the drain")));
      }, 0, 50, TimeUnit.MILLISECONDS);
      try {
        drained.get(WINDOW.toSeconds() + 20, TimeUnit.SECONDS);
      } finally {
        sending.cancel(false);
        pace.shutdown();
        assertThat(pace.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
      for (int i = 0; i < sends.size(); i++) {
        sent.put(sends.get(i).get(15, TimeUnit.SECONDS), sendUsers.get(i));
      }
      assertThat(a.io.clientsCount()).isZero();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode status = clients.command(NodeProcess.cmd("status"));
        assertThat(status.get("onB").asInt()).as("clients reconnected to B").isEqualTo(CLIENTS);
        assertThat(status.get("connected").asInt()).isEqualTo(CLIENTS);
      });
      assertThat(b.io.clientsCount()).isEqualTo(CLIENTS);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        JsonNode received = clients.command(NodeProcess.cmd("status")).get("notifications");
        List<String> missing = new ArrayList<>();
        sent.forEach((id, user) -> {
          Set<String> ids = new HashSet<>();
          received.path(user).forEach(n -> ids.add(n.asText()));
          if (!ids.contains(id.toString())) {
            missing.add(user + ":" + id);
          }
        });
        assertThat(missing).as("notifications not received by their user").isEmpty();
      });

      JsonNode status = clients.command(NodeProcess.cmd("status"));
      assertThat(status.get("recovered").asInt()).as("clients that came back recovered on B").isEqualTo(CLIENTS);
      List<Long> disconnects = new ArrayList<>();
      status.get("disconnects").forEach(t -> disconnects.add(t.asLong()));
      assertThat(disconnects).hasSize(CLIENTS);
      long first = disconnects.stream().min(Long::compare).orElseThrow();
      long last = disconnects.stream().max(Long::compare).orElseThrow();
      TreeMap<Long, Integer> perSecond = new TreeMap<>();
      disconnects.forEach(t -> perSecond.merge((t - first) / 1000, 1, Integer::sum));
      int busiest = perSecond.values().stream().max(Integer::compare).orElseThrow();
      System.out.printf("[drain] %d clients left A over %d ms, busiest second %d (mean %d/s), %d recovered on B, "
          + "%d notifications all received; per second: %s%n", CLIENTS, last - first, busiest,
          CLIENTS * 1000L / WINDOW.toMillis(), status.get("recovered").asInt(), sent.size(), perSecond);
      assertThat(last - first).as("ms from the first to the last disconnection")
          .isGreaterThanOrEqualTo(WINDOW.toMillis() * 8 / 10);
      assertThat(busiest).as("disconnections in the busiest second")
          .isLessThanOrEqualTo((int) (2 * CLIENTS * 1000L / WINDOW.toMillis()));

      HttpResponse<String> stayed = b.get("/health/ready");
      assertThat(stayed.statusCode()).as(stayed.body()).isEqualTo(200);
    }
  }
}
