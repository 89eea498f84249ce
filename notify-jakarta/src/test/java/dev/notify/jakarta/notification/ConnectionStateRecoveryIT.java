package dev.notify.jakarta.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.MutableClock;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection state recovery (Socket.IO 4.6+) with the npm {@code socket.io-client} 4.8.4: the transport drops,
 * the server emits while the client is away, the client reconnects and gets its session back (same id, rooms,
 * {@code socket.data}) with every missed event, in order, once; or, after {@code maxDisconnectionDuration}, a
 * fresh session. One node: recovery on another node needs a shared recovery store.
 */
class ConnectionStateRecoveryIT {

  @RegisterExtension
  final NotificationFixture fixture = new NotificationFixture();

  /** The server sockets by id, the latest one of each id. */
  private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
  private final Map<String, DisconnectReason> disconnects = new ConcurrentHashMap<>();
  private NodeClient client;

  private void start(UnaryOperator<NotifyServer.Builder> serverOptions) {
    fixture.start(new InMemoryNotificationStore(), serverOptions, service -> service);
    fixture.io().onConnection(socket -> {
      if (!socket.recovered()) {
        socket.join("news");
        socket.data().put("plan", "gold");
      }
      sockets.put(socket.id(), socket);
      socket.onDisconnect(reason -> disconnects.put(socket.id(), reason));
      socket.on("whoami", (args, ack) -> ack.send(Map.of("id", socket.id(), "rooms", new TreeSet<>(socket.rooms()),
          "data", socket.data(), "recovered", socket.recovered())));
    });
    client = fixture.nodeClient(Map.of("auth", Map.of("userId", "alice"), "reconnection", false));
  }

  private void tick(int from, int to) {
    for (int n = from; n <= to; n++) {
      fixture.io().to("news").emit("tick", n);
    }
  }

  /** The numbers of the ticks received, in order. */
  private List<Integer> ticks() {
    return client.events("tick").stream().map(e -> e.path("args").get(0).asInt()).toList();
  }

  /** The number of the last tick received, 0 before the first. */
  private int lastTick() {
    List<Integer> ticks = ticks();
    return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1);
  }

  /** Drops the transport and waits until both sides noticed. */
  private void dropTransport(String socketId) {
    // the client names it from its side: it closed the engine itself
    assertThat(client.drop().path("reason").asText()).isEqualTo("forced close");
    await().atMost(Await.DEADLINE).until(() -> disconnects.containsKey(socketId));
    assertThat(disconnects.get(socketId)).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    disconnects.remove(socketId);
  }

  @Test
  void aClientThatComesBackInTimeGetsItsSessionAndEveryMissedEventInOrder() {
    start(server -> server.connectionStateRecovery(Duration.ofMinutes(2)));
    JsonNode first = client.connect();
    String id = first.path("id").asText();
    assertThat(first.path("recovered").asBoolean()).isFalse();
    tick(1, 3);
    for (int i = 0; i < 3; i++) {
      client.awaitEvent("tick");
    }
    assertThat(client.events("tick").get(0).path("args")).as("an event carries its offset last").hasSize(2);

    dropTransport(id);
    tick(4, 10);
    fixture.io().to(id).emit("direct", "to the socket's own room");
    fixture.io().to("user:alice").emit("direct", "to the user's room");
    JsonNode second = client.connect();

    assertThat(second.path("recovered").asBoolean()).isTrue();
    assertThat(second.path("id").asText()).isEqualTo(id);
    for (int i = 0; i < 7; i++) {
      client.awaitEvent("tick");
    }
    client.awaitEvent("direct");
    client.awaitEvent("direct");
    tick(11, 12);
    client.awaitEvent("tick");
    client.awaitEvent("tick");
    assertThat(ticks()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(client.events("direct")).extracting(e -> e.path("args").get(0).asText())
        .containsExactly("to the socket's own room", "to the user's room");

    // the connection handlers run after CONNECT is sent: the client may be ahead of them
    await().atMost(Duration.ofSeconds(10)).until(() -> sockets.get(id).recovered());
    Socket recovered = sockets.get(id);
    assertThat(recovered.rooms()).containsExactlyInAnyOrder(id, "news", "user:alice");
    assertThat(recovered.data()).containsEntry("userId", "alice").containsEntry("plan", "gold");
    JsonNode whoami = client.request("whoami").path("args").get(0);
    assertThat(whoami.path("id").asText()).isEqualTo(id);
    assertThat(whoami.path("recovered").asBoolean()).isTrue();
    assertThat(StreamSupport.stream(whoami.path("rooms").spliterator(), false).map(JsonNode::asText))
        .containsExactlyInAnyOrder(id, "news", "user:alice");
  }

  @Test
  void aClientThatRecoversTwiceMissesNothingEitherTime() {
    start(server -> server.connectionStateRecovery(Duration.ofMinutes(2)));
    String id = client.connect().path("id").asText();
    tick(1, 1);
    client.awaitEvent("tick");

    dropTransport(id);
    tick(2, 3);
    assertThat(client.connect().path("recovered").asBoolean()).isTrue();
    client.awaitEvent("tick");
    client.awaitEvent("tick");
    dropTransport(id);
    tick(4, 5);
    assertThat(client.connect().path("recovered").asBoolean()).isTrue();
    client.awaitEvent("tick");
    client.awaitEvent("tick");

    assertThat(ticks()).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void aClientThatRecoversWhileTheServerKeepsEmittingMissesNothingAndGetsNothingTwice() throws Exception {
    start(server -> server.connectionStateRecovery(Duration.ofMinutes(2)));
    String id = client.connect().path("id").asText();
    AtomicInteger emitted = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread ticker = new Thread(() -> {
      while (running.get()) {
        fixture.io().to("news").emit("tick", emitted.incrementAndGet());
        LockSupport.parkNanos(200_000);
      }
    }, "ticker");
    ticker.start();
    try {
      for (int round = 0; round < 5; round++) {
        int seen = emitted.get();
        await().atMost(Await.DEADLINE).until(() -> lastTick() > seen);
        dropTransport(id);
        assertThat(client.connect().path("recovered").asBoolean()).isTrue();
      }
    } finally {
      running.set(false);
      ticker.join(10_000);
    }
    int last = emitted.get();
    await().atMost(Await.DEADLINE).until(() -> lastTick() == last);

    List<Integer> received = ticks();
    assertThat(received).as("runs of ticks received, with the lifecycle lines: %s", story())
        .isEqualTo(IntStream.rangeClosed(1, last).boxed().toList());
  }

  /** What the client printed, the ticks as runs of consecutive numbers ("1..72"). */
  private String story() {
    StringBuilder story = new StringBuilder();
    int runStart = -1;
    int previous = -1;
    for (JsonNode line : client.lines()) {
      if ("event".equals(line.path("type").asText()) && "tick".equals(line.path("name").asText())) {
        int n = line.path("args").get(0).asInt();
        if (runStart >= 0 && n != previous + 1) {
          story.append(runStart).append("..").append(previous).append(' ');
          runStart = -1;
        }
        if (runStart < 0) {
          runStart = n;
        }
        previous = n;
      } else {
        if (runStart >= 0) {
          story.append(runStart).append("..").append(previous).append(' ');
          runStart = -1;
        }
        story.append(line).append(' ');
      }
    }
    return runStart < 0 ? story.toString() : story.append(runStart).append("..").append(previous).toString();
  }

  @Test
  void aClientThatComesBackAfterMaxDisconnectionDurationGetsAFreshSession() {
    MutableClock clock = new MutableClock(Instant.now());
    start(server -> server.connectionStateRecovery(Duration.ofSeconds(1)).clock(clock));
    String id = client.connect().path("id").asText();
    tick(1, 1);
    client.awaitEvent("tick");

    dropTransport(id);
    tick(2, 2);
    clock.advance(Duration.ofMillis(1001));
    JsonNode again = client.connect();

    assertThat(again.path("recovered").asBoolean()).isFalse();
    String freshId = again.path("id").asText();
    assertThat(freshId).isNotEqualTo(id);
    tick(3, 3);
    client.awaitEvent("tick");
    assertThat(ticks()).as("the missed tick is lost with the session").containsExactly(1, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> sockets.containsKey(freshId));
    Socket fresh = sockets.get(freshId);
    assertThat(fresh.recovered()).isFalse();
    assertThat(fresh.rooms()).containsExactlyInAnyOrder(freshId, "news", "user:alice");
  }

  @Test
  void aClientThatDisconnectedOnPurposeGetsAFreshSession() {
    start(server -> server.connectionStateRecovery(Duration.ofMinutes(2)));
    String id = client.connect().path("id").asText();
    tick(1, 1);
    client.awaitEvent("tick");

    client.send(Map.of("cmd", "disconnect"));
    assertThat(client.await("disconnect").path("reason").asText()).isEqualTo("io client disconnect");
    await().atMost(Await.DEADLINE).until(() -> disconnects.containsKey(id));
    tick(2, 2);
    JsonNode again = client.connect();

    assertThat(again.path("recovered").asBoolean()).isFalse();
    assertThat(again.path("id").asText()).isNotEqualTo(id);
    tick(3, 3);
    client.awaitEvent("tick");
    assertThat(ticks()).containsExactly(1, 3);
  }
}
