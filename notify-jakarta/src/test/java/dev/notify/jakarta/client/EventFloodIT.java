package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.RateLimit;
import dev.notify.core.server.RateLimits;
import dev.notify.jakarta.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client flooding events against per-socket rate limits, beside a well-behaved client. */
class EventFloodIT {

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  private final AtomicInteger floods = new AtomicInteger();

  @Test
  void aFloodIsCutToTheLimitThenDisconnectedWhileAnotherClientIsServedAsUsual() {
    fixture.start(b -> b.rateLimits(RateLimits.builder()
        .everyEvent(RateLimit.of(1_000, Duration.ofSeconds(1)))
        .event("flood", RateLimit.of(10, Duration.ofMinutes(1)).burst(100))
        .disconnectAfter(5_000)
        .build()));
    fixture.io().onConnection(socket -> {
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

    assertThat(Await.result(flooder.closed()).code()).as("close code").isEqualTo(1008);
    await().atMost(Await.DEADLINE).until(() -> fixture.io().engine().sessionCount() == 1);
    // the burst, and a token every 6 s while the flood lasts
    assertThat(floods.get()).isBetween(100, 110);
    assertThat(good.request("echo", "after")).containsExactly("after");
  }
}
