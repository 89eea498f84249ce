package dev.notify.bench.jmh;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.redis.internal.ClassicCodec;
import dev.notify.redis.internal.MalformedMessageException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis cluster message of a broadcast (notify-redis's classic codec, the wire format of Node's
 * {@code @socket.io/redis-adapter}): msgpack {@code [uid, {type: 2, data: ["m", payload], nsp}, {rooms, except,
 * flags}]} for a broadcast to one room with the fan-out scenario's 100-byte payload, encoded by the sending node
 * and decoded by every other node.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RedisCodecBenchmark {

  private final ClassicCodec codec = new ClassicCodec("/");
  private ArrayNode data;
  private BroadcastOptions opts;
  private byte[] message;

  @Setup
  public void setUp() {
    data = JsonNodeFactory.instance.arrayNode().add("m").add(ProtocolBenchmark.PAYLOAD);
    opts = new BroadcastOptions(Set.of("fan"), Set.of(), false, false, false, null);
    message = codec.encodeBroadcast("a1b2c3", data, opts);
  }

  @Benchmark
  public byte[] encodeBroadcast() {
    return codec.encodeBroadcast("a1b2c3", data, opts);
  }

  @Benchmark
  public Object decodeBroadcast() throws MalformedMessageException {
    return codec.decodeBroadcast(message);
  }
}
