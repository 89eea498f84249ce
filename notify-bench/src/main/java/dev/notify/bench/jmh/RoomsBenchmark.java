package dev.notify.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.EncodedPacket;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * Room membership in the {@link InMemoryAdapter} with 100,000 sockets, each in its user room and in one of 100
 * group rooms of 1,000: a join followed by a leave of a 1,000-socket topic room, of the 100,000-socket room
 * everyone is in, and a disconnect followed by a reconnect (delAll, then addAll of two rooms). One operation
 * is the pair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoomsBenchmark {

  static final int SOCKETS = 100_000;

  private InMemoryAdapter adapter;
  private Member[] sockets;
  private String[] topics;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup
  public void setUp() {
    Namespace namespace = new Namespace();
    adapter = new InMemoryAdapter(namespace);
    sockets = new Member[SOCKETS];
    for (int i = 0; i < SOCKETS; i++) {
      Member socket = new Member("sid-" + i);
      sockets[i] = socket;
      namespace.sockets.put(socket.id, socket);
      adapter.addAll(socket, List.of("user:" + i, "group:" + (i % 100), "all"));
    }
    topics = new String[100];
    for (int i = 0; i < topics.length; i++) {
      topics[i] = "topic:" + i;
    }
    // each topic room holds 1,000 sockets
    for (int i = 0; i < SOCKETS; i++) {
      adapter.addAll(sockets[i], List.of(topics[i % topics.length]));
    }
  }

  @Benchmark
  public void joinLeaveTopicRoom() {
    Member socket = sockets[random.nextInt(SOCKETS)];
    String room = topics[random.nextInt(topics.length)];
    adapter.addAll(socket, List.of("extra:" + room));
    adapter.del(socket, "extra:" + room);
  }

  @Benchmark
  public void joinLeaveRoomOf100k() {
    Member socket = sockets[random.nextInt(SOCKETS)];
    adapter.del(socket, "all");
    adapter.addAll(socket, List.of("all"));
  }

  @Benchmark
  public void disconnectReconnect() {
    int i = random.nextInt(SOCKETS);
    Member socket = sockets[i];
    Set<String> rooms = adapter.socketRooms(socket);
    adapter.delAll(socket);
    adapter.addAll(socket, rooms);
  }

  /** A socket that ignores what it is sent. */
  static final class Member implements LocalSocket {
    final String id;

    Member(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public boolean deliver(EncodedPacket packet, boolean volatilePacket) {
      return true;
    }

    @Override
    public void deliverWithAck(EncodedPacket packet, long ackId, AckListener listener) {
    }

    @Override
    public void disconnect(boolean close) {
    }

    @Override
    public SocketDetails details() {
      throw new UnsupportedOperationException();
    }
  }

  /** Encoded as the server encodes a broadcast, then ignored by the members. */
  record Encoded(List<Frame> frames) implements EncodedPacket {
  }

  static final class Namespace implements AdapterNamespace {
    final Map<String, Member> sockets = new HashMap<>();
    private final ObjectMapper mapper = new ObjectMapper();
    private final SocketPacketEncoder encoder = new SocketPacketEncoder(mapper);
    private final AtomicLong ackIds = new AtomicLong();

    @Override
    public String name() {
      return "/";
    }

    @Override
    public LocalSocket socket(String id) {
      return sockets.get(id);
    }

    @Override
    public Collection<? extends LocalSocket> sockets() {
      return sockets.values();
    }

    @Override
    public EncodedPacket encode(BroadcastPacket packet) {
      return encode(packet, SocketPacket.NO_ACK);
    }

    @Override
    public EncodedPacket encode(BroadcastPacket packet, long ackId) {
      return new Encoded(encoder.encodeEvent(name(), ackId, packet.event(), packet.args()));
    }

    @Override
    public ObjectMapper mapper() {
      return mapper;
    }

    @Override
    public long nextAckId() {
      return ackIds.incrementAndGet();
    }

    @Override
    public Executor executor() {
      return Runnable::run;
    }

    @Override
    public ScheduledExecutorService scheduler() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void onServerSideEmit(JsonNode args, Consumer<Object> reply) {
    }
  }


}
