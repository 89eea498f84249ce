package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import dev.notify.core.metrics.NotifyMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A hand-written {@link AdapterNamespace} for adapter tests: sockets are {@link RecordingSocket}s added by the
 * test, handlers run inline, and it counts how often the adapter scans every socket.
 */
final class FakeNamespace implements AdapterNamespace {

  private final String name;
  private final ObjectMapper mapper = new ObjectMapper();
  private final SocketPacketEncoder encoder = new SocketPacketEncoder(mapper);
  private final Map<String, RecordingSocket> sockets = new LinkedHashMap<>();
  private final AtomicLong ackIds = new AtomicLong(100);
  private final AtomicInteger fullScans = new AtomicInteger();
  final List<JsonNode> serverSideEmits = new ArrayList<>();
  /** What the adapter reported to {@link #metrics}, one line per call. */
  final List<String> reported = new CopyOnWriteArrayList<>();
  private final NotifyMetrics metrics = new NotifyMetrics() {
    @Override
    public void eventSent(String namespace) {
      reported.add("eventSent " + namespace);
    }

    @Override
    public void eventsSent(String namespace, int count) {
      reported.add("eventsSent " + namespace + " " + count);
    }

    @Override
    public void broadcast(int fanOut) {
      reported.add("broadcast " + fanOut);
    }
  };
  Adapter adapter;

  FakeNamespace(String name) {
    this.name = name;
  }

  /** A namespace with an {@link InMemoryAdapter}. */
  static FakeNamespace withInMemoryAdapter(String name) {
    FakeNamespace namespace = new FakeNamespace(name);
    namespace.adapter = new InMemoryAdapter(namespace);
    return namespace;
  }

  /** Connects a new socket to this namespace (it is in no room yet). */
  RecordingSocket connect(String id) {
    RecordingSocket socket = new RecordingSocket(id, this);
    sockets.put(id, socket);
    return socket;
  }

  /** The socket leaves the namespace, as a disconnected socket does after {@code delAll}. */
  void remove(RecordingSocket socket) {
    sockets.remove(socket.id());
  }

  /** How often the adapter asked for every socket of the namespace. */
  int fullScans() {
    return fullScans.get();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public NotifyMetrics metrics() {
    return metrics;
  }

  @Override
  public LocalSocket socket(String id) {
    return sockets.get(id);
  }

  @Override
  public Collection<? extends LocalSocket> sockets() {
    fullScans.incrementAndGet();
    return sockets.values();
  }

  /** What {@link #encode} makes: the frames, as the server's namespace encodes them. */
  record Encoded(List<Frame> frames) implements EncodedPacket {
  }

  @Override
  public EncodedPacket encode(BroadcastPacket packet) {
    return encode(packet, SocketPacket.NO_ACK);
  }

  @Override
  public EncodedPacket encode(BroadcastPacket packet, long ackId) {
    return new Encoded(encoder.encodeEvent(name, ackId, packet.event(), packet.args()));
  }

  @Override
  public ObjectMapper mapper() {
    return mapper;
  }

  @Override
  public long nextAckId() {
    return ackIds.getAndIncrement();
  }

  @Override
  public Executor executor() {
    return Runnable::run;
  }

  @Override
  public ScheduledExecutorService scheduler() {
    throw new UnsupportedOperationException("the in-memory adapter needs no scheduler");
  }

  @Override
  public void onServerSideEmit(JsonNode args, Consumer<Object> reply) {
    serverSideEmits.add(args);
  }
}
