package dev.notify.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EngineEncoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketDecoder;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import java.util.List;
import java.util.Map;
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
 * Engine.IO / Socket.IO encode and decode, as a server does them per packet: an event with a 100-byte string
 * (the fan-out payload), an event with a small object, an event with a 1 KiB binary attachment, and an ack.
 * Decoding goes through the Engine.IO decoder first, as a WebSocket frame does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtocolBenchmark {

  /** 100 bytes, as the fan-out scenario's payload. */
  static final String PAYLOAD = "1234567890123|" + "x".repeat(86);

  private final ObjectMapper mapper = new ObjectMapper();
  private final SocketPacketEncoder encoder = new SocketPacketEncoder(mapper);
  private SocketPacketDecoder decoder;
  private Object[] textArgs;
  private Object[] objectArgs;
  private Object[] binaryArgs;
  private Object[] ackArgs;
  private String textEventWire;
  private String objectEventWire;
  private String binaryEventWire;
  private byte[] attachment;
  private String ackWire;
  private String pollingPayload;

  @Setup
  public void setUp() {
    decoder = new SocketPacketDecoder(mapper);
    textArgs = new Object[] {PAYLOAD};
    objectArgs = new Object[] {Map.of("id", 42, "title", "New message", "read", false, "tags", List.of("a", "b"))};
    attachment = new byte[1024];
    binaryArgs = new Object[] {attachment};
    ackArgs = new Object[] {PAYLOAD};
    textEventWire = encoder.encodeEvent("/", SocketPacket.NO_ACK, "m", textArgs).get(0).text();
    objectEventWire = encoder.encodeEvent("/", 7, "subscribe", objectArgs).get(0).text();
    binaryEventWire = encoder.encodeEvent("/", SocketPacket.NO_ACK, "upload", binaryArgs).get(0).text();
    ackWire = encoder.encodeAck("/", 12, ackArgs).get(0).text();
    pollingPayload = EngineEncoder.encodePayload(List.of(Frame.text(textEventWire), Frame.PONG,
        Frame.text(ackWire)));
  }

  @Benchmark
  public List<Frame> encodeTextEvent() {
    return encoder.encodeEvent("/", SocketPacket.NO_ACK, "m", textArgs);
  }

  @Benchmark
  public List<Frame> encodeObjectEvent() {
    return encoder.encodeEvent("/", 7, "subscribe", objectArgs);
  }

  @Benchmark
  public List<Frame> encodeBinaryEvent() {
    return encoder.encodeEvent("/", SocketPacket.NO_ACK, "upload", binaryArgs);
  }

  @Benchmark
  public List<Frame> encodeAck() {
    return encoder.encodeAck("/", 12, ackArgs);
  }

  @Benchmark
  public SocketPacket decodeTextEvent() {
    return decoder.decode(EngineDecoder.decode(textEventWire).text());
  }

  @Benchmark
  public SocketPacket decodeObjectEvent() {
    return decoder.decode(EngineDecoder.decode(objectEventWire).text());
  }

  @Benchmark
  public SocketPacket decodeBinaryEvent() {
    SocketPacket none = decoder.decode(EngineDecoder.decode(binaryEventWire).text());
    if (none != null) {
      throw new AssertionError("a binary event waits for its attachment");
    }
    return decoder.decode(EngineDecoder.decode(attachment).binary());
  }

  @Benchmark
  public SocketPacket decodeAck() {
    return decoder.decode(EngineDecoder.decode(ackWire).text());
  }

  @Benchmark
  public List<EnginePacket> decodePollingPayload() {
    return EngineDecoder.decodePayload(pollingPayload);
  }
}
