package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.RateLimit;
import dev.notify.core.server.RateLimits;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client flooding events against per-socket rate limits, beside a well-behaved client. */
class EventFloodIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  private final AtomicInteger floods = new AtomicInteger();
  private final List<DisconnectReason> reasons = new CopyOnWriteArrayList<>();

  @Test
  void aFloodIsCutToTheLimitThenDisconnectedWhileAnotherClientIsServedAsUsual() {
    fixture.start(b -> b.rateLimits(RateLimits.builder()
        .everyEvent(RateLimit.of(1_000, Duration.ofSeconds(1)))
        .event("flood", RateLimit.of(10, Duration.ofMinutes(1)).burst(100))
        .disconnectAfter(5_000)
        .build()));
    fixture.io().onConnection(socket -> {
      socket.onDisconnect(reasons::add);
      socket.on("flood", (args, ack) -> floods.incrementAndGet());
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
    TestClient good = fixture.connect();
    RawClient flooder = RawClient.open(fixture.port());
    assertThat(flooder.next()).startsWith("0{");
    flooder.send("40");
    assertThat(flooder.next()).startsWith("40{");

    for (int i = 0; i < 10_000 && !flooder.closed().isDone(); i++) {
      flooder.enqueue("42[\"flood\"," + i + "]");
      if (i % 1_000 == 0) {
        assertThat(good.request("echo", i)).containsExactly(i);
      }
    }

    // Tyrus closes the TCP connection as soon as its close frame is written; a client still writing then gets a
    // reset, and its TCP stack may drop the unread close frame (1006): the server's reason is asserted below
    assertThat(Await.result(flooder.closed()).code()).as("close code").isIn(1008, 1006);
    await().atMost(Await.DEADLINE).until(() -> fixture.io().clientsCount() == 1);
    assertThat(reasons).as("the server closed it for its violations").containsExactly(DisconnectReason.FORCED_CLOSE);
    // the burst, and a token every 6 s while the flood lasts
    assertThat(floods.get()).isBetween(100, 110);
    assertThat(good.request("echo", "after")).containsExactly("after");
  }
}
