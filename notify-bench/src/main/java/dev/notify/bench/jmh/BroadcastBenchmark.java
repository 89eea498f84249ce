package dev.notify.bench.jmh;

import dev.notify.bench.inmem.InMemoryClients;
import dev.notify.bench.inmem.LoopbackTransport;
import dev.notify.bench.server.BenchHandlers;
import dev.notify.core.server.NotifyServer;
import dev.notify.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A broadcast to a room of 10,000 sockets: {@code io.to("fan").emit("m", payload)} with a 100-byte payload, on a
 * real {@link NotifyServer} whose clients sit on in-memory transports (writes complete at once). It measures what
 * the server does per broadcast (target lookup, one encoding) and per target (the engine session's send, the
 * transport hand-off); the score is per delivery. No socket, no container. With {@code metrics=micrometer} the
 * server reports to Micrometer (a {@code SimpleMeterRegistry}), as the load scenarios' server does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BroadcastBenchmark {

  static final int ROOM = 10_000;

  @Param({"none", "micrometer"})
  public String metrics;

  private NotifyServer io;
  private List<LoopbackTransport> clients;
  private String payload;

  @Setup(Level.Trial)
  public void setUp() {
    NotifyServer.Builder builder = NotifyServer.builder().executor(Runnable::run);
    if (metrics.equals("micrometer")) {
      builder.metrics(MicrometerMetrics.of(new SimpleMeterRegistry()));
    }
    io = builder.build();
    BenchHandlers.install(io);
    clients = InMemoryClients.connect(io, ROOM, Map.of("room", "fan"), 0);
    payload = ProtocolBenchmark.PAYLOAD;
    io.to("fan").emit("m", payload);
    long reached = clients.stream().filter(c -> c.events == 1).count();
    if (reached != ROOM) {
      throw new IllegalStateException("the broadcast reached " + reached + " of " + ROOM + " sockets");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    io.close();
  }

  /** Score = ns per delivery. */
  @Benchmark
  @OperationsPerInvocation(ROOM)
  public void emitToRoom() {
    io.to("fan").emit("m", payload);
  }
}
