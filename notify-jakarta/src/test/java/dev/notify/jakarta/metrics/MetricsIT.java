package dev.notify.jakarta.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.jakarta.testing.JavaClientOptions;
import dev.notify.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted load against a standalone server with {@link MicrometerMetrics}, from the official Java client: the
 * meters say exactly what happened (100 connections, 1,000 events with acks, 1 broadcast to all, 10 acks timed
 * out, 3 refused requests, 100 disconnections).
 */
class MetricsIT {

  private static final int CLIENTS = 100;
  private static final int EVENTS_EACH = 10;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final NotifyServer io = NotifyServer.builder()
      .metrics(MicrometerMetrics.of(registry))
      .pingInterval(Duration.ofMinutes(2)) // no heartbeat packets during the test: the packet counts are exact
      .build();
  private final List<Socket> clients = new ArrayList<>();
  private NotifyStandalone http;

  @AfterEach
  void close() {
    clients.forEach(Socket::close);
    if (http != null) {
      http.close();
    }
    io.close();
  }

  private double counter(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(String name, String... tags) {
    var gauge = registry.find(name).tags(tags).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  @Test
  void theMetersCountAScriptedLoadExactly() throws Exception {
    io.onConnection(socket -> socket.on("ping", (args, ack) -> ack.send("pong")));
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
    URI uri = URI.create("http://127.0.0.1:" + http.port());

    AtomicInteger news = new AtomicInteger();
    for (int i = 0; i < CLIENTS; i++) {
      Socket client = IO.socket(uri, JavaClientOptions.websocketOnly());
      client.on("news", args -> news.incrementAndGet());
      clients.add(client);
      client.connect();
    }
    await().atMost(WAIT).until(() -> io.of("/").sockets().size() == CLIENTS);
    assertThat(gauge("notify.connections")).isEqualTo(CLIENTS);
    assertThat(gauge("notify.sockets", "namespace", "/")).isEqualTo(CLIENTS);
    assertThat(counter("notify.connections.opened", "transport", "websocket")).isEqualTo(CLIENTS);

    List<CompletableFuture<Object>> pongs = new ArrayList<>();
    for (Socket client : clients) {
      for (int e = 0; e < EVENTS_EACH; e++) {
        CompletableFuture<Object> pong = new CompletableFuture<>();
        client.emit("ping", new Object[] {e}, (Ack) answer -> pong.complete(answer[0]));
        pongs.add(pong);
      }
    }
    CompletableFuture.allOf(pongs.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(),
        TimeUnit.SECONDS);

    io.emit("news", "all");
    await().atMost(WAIT).until(() -> news.get() == CLIENTS);

    // the clients have no handler for "question": they never answer
    List<CompletableFuture<?>> unanswered = new ArrayList<>();
    io.of("/").sockets().values().stream().limit(10).forEach(socket ->
        unanswered.add(socket.timeout(Duration.ofMillis(200)).emitWithAck("question").handle((a, e) -> e)));
    CompletableFuture.allOf(unanswered.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(),
        TimeUnit.SECONDS);

    HttpClient plain = HttpClient.newHttpClient();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> refused = plain.send(HttpRequest.newBuilder(
          uri.resolve("/socket.io/?EIO=4&transport=carrier")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(400);
    }

    int events = CLIENTS * EVENTS_EACH;
    assertThat(counter("notify.events.received", "namespace", "/")).isEqualTo(events);
    assertThat(registry.find("notify.handler.wait").tags("namespace", "/").timer().count()).isEqualTo(events);
    assertThat(registry.find("notify.handler.duration").tags("namespace", "/").timer().count()).isEqualTo(events);
    assertThat(counter("notify.events.sent", "namespace", "/")).as("the broadcast to each, the 10 questions")
        .isEqualTo(CLIENTS + 10);
    assertThat(registry.find("notify.broadcast.fanout").summary().count()).isEqualTo(1);
    assertThat(registry.find("notify.broadcast.fanout").summary().totalAmount()).isEqualTo(CLIENTS);
    assertThat(counter("notify.acks.timeouts", "namespace", "/")).isEqualTo(10);
    assertThat(counter("notify.requests.refused", "error", "unknown_transport")).isEqualTo(3);
    // in: each client's CONNECT and its events; out: each open packet, CONNECT answer, acks and the broadcast,
    // and the questions
    assertThat(counter("notify.packets", "direction", "in")).isEqualTo(CLIENTS * (1 + EVENTS_EACH));
    assertThat(counter("notify.packets", "direction", "out")).isEqualTo(CLIENTS * (1 + 1 + EVENTS_EACH + 1) + 10);
    assertThat(counter("notify.packets.length", "direction", "out")).isPositive();
    assertThat(gauge("notify.outbound.buffered")).isZero();

    clients.forEach(Socket::disconnect);
    await().atMost(WAIT).until(() -> gauge("notify.connections") == 0);
    assertThat(gauge("notify.sockets", "namespace", "/")).isZero();
    assertThat(counter("notify.connections.closed", "reason", "transport close")).isEqualTo(CLIENTS);
    assertThat(counter("notify.sockets.disconnected", "namespace", "/", "reason", "client namespace disconnect"))
        .isEqualTo(CLIENTS);
    assertThat(counter("notify.packets", "direction", "in")).as("and each client's DISCONNECT")
        .isEqualTo(CLIENTS * (1 + EVENTS_EACH + 1));
  }
}
