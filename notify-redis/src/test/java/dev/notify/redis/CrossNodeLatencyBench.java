package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cross-node latency, printed, not asserted: node A emits to a room whose only member is a real client of node B;
 * latency = the client's receive time minus A's emit time (one JVM, one clock), so it covers encode, the publisher
 * thread, Redis, B's subscriber and ordered queue, local delivery and the WebSocket. 2,000 warm-up messages, then
 * 10,000 measured, paced at 1,000/s (the rate of the Node reference figure in REFERENCE.md).
 *
 * <p>Run: {@code mvn -o -pl notify-redis -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=CrossNodeLatencyBench -Dfailsafe.failIfNoSpecifiedTests=false}
 */
@ExtendWith(RedisExtension.class)
class CrossNodeLatencyBench {

  private static final int WARMUP = 2_000;
  private static final int MEASURED = 10_000;
  private static final long INTERVAL_NANOS = 1_000_000;

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void crossNodeLatency(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("latency", mode).build(), 2)) {
      int total = WARMUP + MEASURED;
      long[] sent = new long[total];
      long[] latency = new long[total];
      AtomicInteger received = new AtomicInteger();
      CompletableFuture<Void> all = new CompletableFuture<>();

      IO.Options options = new IO.Options();
      options.transports = new String[] {WebSocket.NAME};
      options.forceNew = true;
      options.reconnection = false;
      options.auth = Map.of("rooms", "bench");
      Socket client = IO.socket(URI.create("http://127.0.0.1:" + cluster.node(1).port()), options);
      client.on("tick", args -> {
        long now = System.nanoTime();
        int i = ((Number) args[0]).intValue();
        latency[i] = now - sent[i];
        if (received.incrementAndGet() == total) {
          all.complete(null);
        }
      });
      CompletableFuture<Object> ready = new CompletableFuture<>();
      client.on(Socket.EVENT_CONNECT, a -> client.emit("ready", new Object[0], ack -> ready.complete(ack[0])));
      client.connect();
      ready.get(10, TimeUnit.SECONDS);

      long next = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing the sender, not waiting for a result
        }
        sent[i] = System.nanoTime();
        cluster.node(0).io().to("bench").emit("tick", i);
        next += INTERVAL_NANOS;
      }
      all.get(60, TimeUnit.SECONDS);
      client.close();

      long[] measured = Arrays.copyOfRange(latency, WARMUP, total);
      Arrays.sort(measured);
      System.out.printf("%n[latency] mode=%s messages=%d rate=1000/s p50=%.3f ms p90=%.3f ms p99=%.3f ms "
          + "p99.9=%.3f ms max=%.3f ms dropped=%d%n%n", mode, MEASURED, ms(measured, 0.50), ms(measured, 0.90),
          ms(measured, 0.99), ms(measured, 0.999), measured[measured.length - 1] / 1e6,
          cluster.node(0).factory().droppedPublishes());
      assertThat(received.get()).isEqualTo(total);
    }
  }

  private static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
