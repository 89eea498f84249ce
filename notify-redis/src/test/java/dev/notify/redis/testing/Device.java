package dev.notify.redis.testing;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * One device of a user: a real Socket.IO client (io.socket:socket.io-client over WebSocket) that connects with
 * {@code auth.user}, records every notification it gets ({@code notification:new} and the pages of
 * {@code notification:batch}) and every {@code notification:read-sync}, and acknowledges notifications unless told
 * not to. Given several node URLs it fails over: when its connection drops or fails, it connects to the next URL
 * (round robin, 200 ms later), as a client behind a load balancer would. Thread-safe.
 */
public final class Device implements AutoCloseable {

  /** One received event: its name, its first argument, and when it came ({@link System#nanoTime()}). */
  public record Event(String name, Object payload, long nanos) {
  }

  private static final ScheduledExecutorService RECONNECTS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "device-reconnect");
    t.setDaemon(true);
    return t;
  });

  /**
   * Shared by every device. Its dispatcher allows many connections per host: OkHttp runs a WebSocket's reader loop
   * inside its call, so the default limit (5 calls per host) would let only five devices connect to 127.0.0.1.
   */
  private static final OkHttpClient HTTP = http();

  private final String user;
  private final String deviceId;
  private final boolean ack;
  private final String[] urls;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  private final AtomicInteger deliveries = new AtomicInteger();
  private final java.util.Queue<Latency> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger connects = new AtomicInteger();
  private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
  private volatile Socket socket;
  private volatile String connectedTo;
  private volatile boolean closed;

  private Device(String user, String deviceId, boolean ack, String[] urls) {
    this.user = user;
    this.deviceId = deviceId;
    this.ack = ack;
    this.urls = urls;
  }

  /** Connects to the first URL (failing over to the next ones) and waits up to 10 s for the first connection. */
  public static Device connect(String user, boolean ack, String... urls) {
    return connect(user, null, ack, urls);
  }

  /** As {@link #connect(String, boolean, String...)}, sending {@code deviceId} in its handshake auth. */
  public static Device connect(String user, String deviceId, boolean ack, String... urls) {
    Device device = start(user, deviceId, ack, urls);
    try {
      device.firstConnect.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      device.close();
      throw new IllegalStateException("device of " + user + " did not connect to " + List.of(urls) + ": " + e, e);
    }
    return device;
  }

  /** Starts connecting and returns at once; {@link #firstConnect()} completes once connected. */
  public static Device start(String user, boolean ack, String... urls) {
    return start(user, null, ack, urls);
  }

  /** As {@link #start(String, boolean, String...)}, sending {@code deviceId} in its handshake auth. */
  public static Device start(String user, String deviceId, boolean ack, String... urls) {
    Device device = new Device(user, deviceId, ack, urls);
    device.open(0);
    return device;
  }

  private static OkHttpClient http() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(100_000);
    dispatcher.setMaxRequestsPerHost(100_000);
    return new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
  }

  private void open(int attempt) {
    if (closed) {
      return;
    }
    String url = urls[attempt % urls.length];
    IO.Options options = new IO.Options();
    options.transports = new String[] {WebSocket.NAME};
    options.forceNew = true;
    options.reconnection = false;
    options.auth = deviceId == null ? Map.of("user", user) : Map.of("user", user, "deviceId", deviceId);
    options.webSocketFactory = HTTP;
    options.callFactory = HTTP;
    Socket s = IO.socket(URI.create(url), options);
    s.on(Socket.EVENT_CONNECT, a -> {
      connectedTo = url;
      connects.incrementAndGet();
      firstConnect.complete(null);
    });
    s.on(Socket.EVENT_DISCONNECT, a -> next(s, attempt + 1));
    s.on(Socket.EVENT_CONNECT_ERROR, a -> next(s, attempt + 1));
    s.on("notification:new", args -> {
      JSONObject n = (JSONObject) args[0];
      String created = n.optString("createdAt", null);
      if (created != null) {
        latencies.add(new Latency(n.optString("id"),
            System.currentTimeMillis() - java.time.Instant.parse(created).toEpochMilli()));
      }
      events.add(new Event("notification:new", n, System.nanoTime()));
      ids.add(n.optString("id"));
      deliveries.incrementAndGet();
      answer(args);
    });
    s.on("notification:batch", args -> {
      JSONObject batch = (JSONObject) args[0];
      events.add(new Event("notification:batch", batch, System.nanoTime()));
      JSONArray list = batch.optJSONArray("notifications");
      for (int i = 0; list != null && i < list.length(); i++) {
        ids.add(list.getJSONObject(i).optString("id"));
        deliveries.incrementAndGet();
      }
      answer(args);
    });
    s.on("notification:read-sync", args -> events.add(new Event("notification:read-sync", args[0],
        System.nanoTime())));
    socket = s;
    s.connect();
  }

  private void answer(Object[] args) {
    if (ack && args.length > 1 && args[args.length - 1] instanceof Ack a) {
      a.call("ok");
    }
  }

  private void next(Socket s, int attempt) {
    connectedTo = null;
    s.off();
    s.close();
    if (!closed && socket == s) {
      RECONNECTS.schedule(() -> open(attempt), 200, TimeUnit.MILLISECONDS);
    }
  }

  public String user() {
    return user;
  }

  /** The device id sent in the handshake, or {@code null}. */
  public String deviceId() {
    return deviceId;
  }

  /** Completes once the device connected the first time. */
  public CompletableFuture<Void> firstConnect() {
    return firstConnect;
  }

  /** The ids of every notification received, each once. */
  public Set<String> ids() {
    return ids;
  }

  /** Notifications received, counting duplicates. */
  public int deliveries() {
    return deliveries.get();
  }

  /** Milliseconds from each {@code notification:new}'s createdAt to its arrival (wall clock), and clears them. */
  public List<Latency> takeLatencies() {
    return Latency.drain(latencies);
  }

  /** How many times it connected. */
  public int connects() {
    return connects.get();
  }

  /** The URL it is connected to, or {@code null} between connections. */
  public String connectedTo() {
    return connectedTo;
  }

  public boolean connected() {
    Socket s = socket;
    return s != null && s.connected();
  }

  public List<Event> events(String name) {
    List<Event> list = new ArrayList<>();
    for (Event e : events) {
      if (e.name().equals(name)) {
        list.add(e);
      }
    }
    return list;
  }

  /** When each {@code notification:new} of this id came, in order. */
  public List<Long> arrivals(String id) {
    List<Long> list = new ArrayList<>();
    for (Event e : events) {
      if (e.name().equals("notification:new") && ((JSONObject) e.payload()).optString("id").equals(id)) {
        list.add(e.nanos());
      }
    }
    return list;
  }

  /** Emits an event with one argument and an ack; completes with the ack's first argument. */
  public CompletableFuture<Object> emitWithAck(String event, Object arg) {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    socket.emit(event, new Object[] {arg}, a -> answer.complete(a.length > 0 ? a[0] : null));
    return answer;
  }

  @Override
  public void close() {
    closed = true;
    Socket s = socket;
    if (s != null) {
      s.off();
      s.close();
    }
  }

  @Override
  public String toString() {
    return "Device{user=" + user + ", deviceId=" + deviceId + ", connectedTo=" + connectedTo + ", ids=" + ids.size()
        + '}';
  }
}
