package dev.notify.micrometer;

import dev.notify.core.metrics.NotifyMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Records what notify does in a Micrometer {@link MeterRegistry}. Give it to every server (the notification
 * services on a server report through it); several servers on one registry add up.
 *
 * <pre>{@code
 * NotifyServer io = NotifyServer.builder()
 *     .metrics(MicrometerMetrics.of(registry))
 *     .build();
 * }</pre>
 *
 * <p>The meters (tags in brackets, each from a bounded set: never a socket id, a room or an event name):
 * <ul>
 *   <li>{@code notify.connections} gauge: open connections; {@code notify.connections.opened} [transport],
 *       {@code notify.connections.closed} [reason], {@code notify.requests.refused} [error] counters;</li>
 *   <li>{@code notify.packets} [direction: in, out] counter and {@code notify.packets.length} [direction] counter
 *       (bytes; characters of text packets); {@code notify.outbound.buffered} gauge (bytes waiting for slow
 *       clients); {@code notify.outbound.dropped} [cause] counter;</li>
 *   <li>{@code notify.sockets} [namespace] gauge; {@code notify.sockets.disconnected} [namespace, reason],
 *       {@code notify.events.received} [namespace], {@code notify.events.sent} [namespace] counters;
 *       {@code notify.handler.wait} [namespace] timer (from a packet's arrival to its handlers starting: the event
 *       loop lag), {@code notify.handler.duration} [namespace] timer;</li>
 *   <li>{@code notify.acks} [namespace] timer (emit to client ack), {@code notify.acks.timeouts} [namespace]
 *       counter; {@code notify.broadcast.fanout} summary (one per broadcast: the sockets of this node it
 *       reached);</li>
 *   <li>{@code notify.cluster.messages} [direction, type] counter, {@code notify.cluster.requests.timeouts} [type]
 *       counter; {@code notify.cluster.publish.latency} timer (publisher queue to the broker);
 *       {@code notify.cluster.outage} gauge (1 while the broker is unreachable); {@code notify.cluster.servers}
 *       gauge (nodes, as the last cluster request found);</li>
 *   <li>{@code notify.notifications.delivered} timer (send to the first device's ack),
 *       {@code notify.notifications.retries}, {@code notify.notifications.fallbacks} [reason] counters,
 *       {@code notify.notifications.catchup} summary (one per catch-up batch: its size),
 *       {@code notify.notifications.queue} gauge (delivery jobs waiting, claimed or delayed).</li>
 * </ul>
 * A namespace made on demand by a dynamic namespace is tagged with its parent's pattern ({@code dynamic} for a
 * predicate). Thread-safe; meters are looked up once per tag value and cached.
 */
public final class MicrometerMetrics implements NotifyMetrics {

  /**
   * One per registry while its servers hold it: a gauge registered twice keeps the first state object, so two
   * instances would not add up. Weak both ways, so that neither a registry nor its recorder is kept for nothing.
   */
  private static final Map<MeterRegistry, WeakReference<MicrometerMetrics>> BY_REGISTRY = new WeakHashMap<>();

  private final MeterRegistry registry;

  private final AtomicLong connections = new AtomicLong();
  private final LongAdder outboundBuffered = new LongAdder();
  private final Map<String, Counter> opened = new ConcurrentHashMap<>();
  private final Map<String, Counter> closed = new ConcurrentHashMap<>();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Counter packetsIn;
  private final Counter packetsOut;
  private final Counter lengthIn;
  private final Counter lengthOut;

  private final Map<String, AtomicLong> sockets = new ConcurrentHashMap<>();
  private final Map<String, Counter> disconnected = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventsReceived = new ConcurrentHashMap<>();
  private final Map<String, Counter> eventsSent = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerWait = new ConcurrentHashMap<>();
  private final Map<String, Timer> handlerDuration = new ConcurrentHashMap<>();
  private final Map<String, Timer> acks = new ConcurrentHashMap<>();
  private final Map<String, Counter> ackTimeouts = new ConcurrentHashMap<>();
  private final DistributionSummary fanOut;

  private final Map<String, Counter> clusterSent = new ConcurrentHashMap<>();
  private final Map<String, Counter> clusterReceived = new ConcurrentHashMap<>();
  private final Map<String, Counter> clusterTimeouts = new ConcurrentHashMap<>();
  private final Timer publishLatency;
  private final AtomicLong outage = new AtomicLong();
  private final AtomicLong servers = new AtomicLong();
  private final AtomicLong queueDepth = new AtomicLong();

  private final Timer delivered;
  private final Counter retries;
  private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
  private final DistributionSummary catchUp;

  private MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    // gauges of an earlier recorder of this registry, gone with its servers, would read its dead state
    for (String gauge : List.of("notify.connections", "notify.outbound.buffered", "notify.sockets",
        "notify.cluster.outage", "notify.cluster.servers", "notify.notifications.queue")) {
      registry.find(gauge).gauges().forEach(registry::remove);
    }
    Gauge.builder("notify.connections", connections, AtomicLong::get)
        .description("Open Engine.IO connections").register(registry);
    Gauge.builder("notify.outbound.buffered", outboundBuffered, LongAdder::sum).baseUnit("bytes")
        .description("Outbound data waiting for slow clients (characters of text packets)").register(registry);
    packetsIn = packets("in");
    packetsOut = packets("out");
    lengthIn = length("in");
    lengthOut = length("out");
    fanOut = DistributionSummary.builder("notify.broadcast.fanout").baseUnit("sockets")
        .description("Sockets of this node a broadcast reached").register(registry);
    delivered = Timer.builder("notify.notifications.delivered")
        .description("From a notification's send to its first device's ack").register(registry);
    retries = Counter.builder("notify.notifications.retries").description("Delivery attempts to be tried again")
        .register(registry);
    publishLatency = Timer.builder("notify.cluster.publish.latency")
        .description("From a message handed to the adapter's publisher to the broker taking it").register(registry);
    Gauge.builder("notify.cluster.outage", outage, AtomicLong::get)
        .description("1 while the broker is unreachable, else 0").register(registry);
    Gauge.builder("notify.cluster.servers", servers, AtomicLong::get)
        .description("Nodes serving the namespace, this one included, as the last cluster request found")
        .register(registry);
    Gauge.builder("notify.notifications.queue", queueDepth, AtomicLong::get).baseUnit("jobs")
        .description("Delivery jobs waiting, claimed or delayed").register(registry);
    catchUp = DistributionSummary.builder("notify.notifications.catchup").baseUnit("notifications")
        .description("Catch-up batches sent to connecting devices, by size").register(registry);
  }

  /**
   * Records in {@code registry}. The same registry always gives the same instance, so that the servers sharing a
   * registry add up, gauges included.
   */
  public static MicrometerMetrics of(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (BY_REGISTRY) {
      WeakReference<MicrometerMetrics> known = BY_REGISTRY.get(registry);
      MicrometerMetrics metrics = known == null ? null : known.get();
      if (metrics == null) {
        metrics = new MicrometerMetrics(registry);
        BY_REGISTRY.put(registry, new WeakReference<>(metrics));
      }
      return metrics;
    }
  }

  private Counter packets(String direction) {
    return Counter.builder("notify.packets").tag("direction", direction)
        .description("Engine.IO packets received from and handed to clients").register(registry);
  }

  private Counter length(String direction) {
    return Counter.builder("notify.packets.length").tag("direction", direction).baseUnit("bytes")
        .description("Length of those packets (characters of text packets)").register(registry);
  }

  private static <M> M cached(Map<String, M> meters, String key, Function<String, M> create) {
    M meter = meters.get(key);
    return meter != null ? meter : meters.computeIfAbsent(key, create);
  }

  private Counter counter(Map<String, Counter> meters, String name, String tag, String value, String description) {
    return cached(meters, value, v -> Counter.builder(name).tag(tag, v).description(description).register(registry));
  }

  private Timer timer(Map<String, Timer> meters, String name, String namespace, String description) {
    return cached(meters, namespace, v -> Timer.builder(name).tag("namespace", v).description(description)
        .register(registry));
  }

  // ---- connections ----

  @Override
  public void connectionOpened(String transport) {
    connections.incrementAndGet();
    counter(opened, "notify.connections.opened", "transport", transport, "Connections opened").increment();
  }

  @Override
  public void connectionClosed(String reason) {
    connections.decrementAndGet();
    counter(closed, "notify.connections.closed", "reason", reason, "Connections closed").increment();
  }

  @Override
  public void requestRefused(String error) {
    counter(refused, "notify.requests.refused", "error", error, "Requests refused before reaching a session")
        .increment();
  }

  @Override
  public void packetReceived(int length) {
    packetsIn.increment();
    lengthIn.increment(length);
  }

  @Override
  public void packetsSent(int count, long length) {
    packetsOut.increment(count);
    lengthOut.increment(length);
  }

  @Override
  public void outboundBuffered(long delta) {
    outboundBuffered.add(delta);
  }

  @Override
  public void outboundDropped(String cause, int count) {
    counter(dropped, "notify.outbound.dropped", "cause", cause, "Outbound packets dropped").increment(count);
  }

  // ---- sockets and events ----

  @Override
  public void socketConnected(String namespace) {
    cached(sockets, namespace, ns -> {
      AtomicLong count = new AtomicLong();
      Gauge.builder("notify.sockets", count, AtomicLong::get).tag("namespace", ns)
          .description("Connected sockets").register(registry);
      return count;
    }).incrementAndGet();
  }

  @Override
  public void socketDisconnected(String namespace, String reason) {
    AtomicLong count = sockets.get(namespace);
    if (count != null) {
      count.decrementAndGet();
    }
    cached(disconnected, namespace + '\n' + reason, key -> Counter.builder("notify.sockets.disconnected")
        .tags(Tags.of("namespace", namespace, "reason", reason)).description("Sockets disconnected")
        .register(registry)).increment();
  }

  @Override
  public void eventReceived(String namespace, long waitNanos) {
    counter(eventsReceived, "notify.events.received", "namespace", namespace, "Events received from clients")
        .increment();
    timer(handlerWait, "notify.handler.wait", namespace, "From an event's arrival to its handlers starting")
        .record(waitNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void eventHandled(String namespace, long durationNanos) {
    timer(handlerDuration, "notify.handler.duration", namespace, "Time in an event's handlers")
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void eventSent(String namespace) {
    counter(eventsSent, "notify.events.sent", "namespace", namespace, "Events sent to sockets").increment();
  }

  @Override
  public void eventsSent(String namespace, int count) {
    counter(eventsSent, "notify.events.sent", "namespace", namespace, "Events sent to sockets").increment(count);
  }

  @Override
  public void broadcast(int sockets) {
    fanOut.record(sockets);
  }

  @Override
  public void ackReceived(String namespace, long roundTripNanos) {
    timer(acks, "notify.acks", namespace, "From an event's emit to its client's ack")
        .record(roundTripNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void ackTimedOut(String namespace) {
    counter(ackTimeouts, "notify.acks.timeouts", "namespace", namespace, "Acks not received within their timeout")
        .increment();
  }

  // ---- cluster ----

  @Override
  public void clusterMessageSent(String type) {
    cluster(clusterSent, "out", type).increment();
  }

  @Override
  public void clusterMessageReceived(String type) {
    cluster(clusterReceived, "in", type).increment();
  }

  private Counter cluster(Map<String, Counter> meters, String direction, String type) {
    return cached(meters, type, t -> Counter.builder("notify.cluster.messages")
        .tags(Tags.of("direction", direction, "type", t)).description("Messages between the nodes of a cluster")
        .register(registry));
  }

  @Override
  public void clusterRequestTimedOut(String type) {
    counter(clusterTimeouts, "notify.cluster.requests.timeouts", "type", type,
        "Requests to the other nodes that timed out").increment();
  }

  // ---- notifications ----

  @Override
  public void clusterPublished(long latencyNanos) {
    publishLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void clusterOutage(boolean down) {
    outage.set(down ? 1 : 0);
  }

  @Override
  public void clusterServers(int count) {
    servers.set(count);
  }

  @Override
  public void notificationQueueDepth(long depth) {
    queueDepth.set(depth);
  }

  @Override
  public void notificationDelivered(long latencyNanos) {
    delivered.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void notificationRetried() {
    retries.increment();
  }

  @Override
  public void notificationFallback(String reason) {
    counter(fallbacks, "notify.notifications.fallbacks", "reason", reason, "Notifications sent to the fallback "
        + "channel").increment();
  }

  @Override
  public void catchUpBatch(int size) {
    catchUp.record(size);
  }

  @Override
  public String toString() {
    return "MicrometerMetrics{" + registry.getClass().getSimpleName() + '}';
  }
}
