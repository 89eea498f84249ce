package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server pings; a client that stops answering is dropped after {@code pingTimeout} and leaves its rooms. The
 * Java client answers pings by itself, so this uses a WebSocket client speaking Engine.IO by hand.
 */
class HeartbeatIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void aClientThatStopsAnsweringPingsIsDroppedAndLeavesItsRooms() throws Exception {
    fixture.start(b -> b.pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(200)));
    Recorder<DisconnectReason> reasons = new Recorder<>();
    fixture.io().onConnection(socket -> {
      socket.onDisconnect(reasons::add);
      socket.on("join", (args, ack) -> {
        socket.join(args.getString(0));
        ack.send("joined");
      });
    });

    try (RawClient raw = RawClient.open(fixture.port())) {
      // answer pings while joining, so that a slow machine cannot drop the client before the test is set up
      raw.answerPings(true);
      String open = raw.next();
      assertThat(open).startsWith("0{").contains("\"pingInterval\":200", "\"pingTimeout\":200");
      raw.send("40");
      assertThat(nextIgnoringPings(raw)).startsWith("40{\"sid\":");
      Socket socket = fixture.awaitServerSocket();
      raw.send("421[\"join\",\"lobby\"]");
      assertThat(nextIgnoringPings(raw)).isEqualTo("431[\"joined\"]");
      assertThat(idsIn("lobby")).containsExactly(socket.id());

      raw.answerPings(false);

      assertThat(reasons.next()).isEqualTo(DisconnectReason.PING_TIMEOUT);
      RawClient.Closed closed = Await.result(raw.closed());
      assertThat(closed.code()).isNotEqualTo(1006);
      List<String> frames = raw.received();
      assertThat(frames.get(frames.size() - 1)).isEqualTo("2");
      assertThat(socket.connected()).isFalse();
      assertThat(idsIn("lobby")).isEmpty();
      assertThat(fixture.io().of("/").adapter().rooms()).doesNotContain("lobby");
      assertThat(fixture.io().of("/").sockets()).isEmpty();
      assertThat(fixture.io().clientsCount()).isZero();
    }
  }

  @Test
  void aClientThatAnswersPingsStaysConnectedOverSeveralIntervals() throws Exception {
    fixture.start(b -> b.pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofSeconds(5)));
    fixture.io().onConnection(socket -> socket.on("echo", (args, ack) -> ack.send(args.toArray())));

    try (RawClient raw = RawClient.open(fixture.port())) {
      raw.answerPings(true);
      raw.next();
      raw.send("40");
      nextIgnoringPings(raw);
      // five pings answered: the session lived through five intervals
      int pings = 0;
      while (pings < 5) {
        if (raw.next().equals("2")) {
          pings++;
        }
      }
      raw.send("421[\"echo\",\"alive\"]");
      assertThat(nextIgnoringPings(raw)).isEqualTo("431[\"alive\"]");
      assertThat(fixture.io().clientsCount()).isEqualTo(1);
    }
  }

  private List<String> idsIn(String room) {
    return Await.result(fixture.io().in(room).fetchSockets()).stream().map(s -> s.id()).toList();
  }

  private static String nextIgnoringPings(RawClient raw) {
    String frame;
    do {
      frame = raw.next();
    } while (frame.equals("2"));
    return frame;
  }
}
