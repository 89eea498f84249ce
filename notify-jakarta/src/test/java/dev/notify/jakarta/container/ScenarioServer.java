package dev.notify.jakarta.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link NotifyServer} the container scenarios run against, and what it saw. Clients name themselves with
 * the query parameter {@code label}; every observation is kept per label.
 *
 * <p>Events (all handlers answer on the handler executor):
 * <ul>
 *   <li>{@code c2s(value)} records the value, acks {@code ("ack:c2s", value)}.
 *   <li>{@code upload(bytesA, {file: bytesB})} records both (hex), acks with {@code (bytesB, bytesA)}: a binary
 *       ack with two attachments.
 *   <li>{@code start()} emits {@code s2c("hello <label>", 42)}, {@code ask("question")} with an ack (recorded as
 *       {@code ask-ack}) and {@code download(DOWNLOAD_A, DOWNLOAD_B)} with an ack (recorded as {@code
 *       download-ack}, hex), then acks {@code "started"}.
 *   <li>{@code echo(value)} acks {@code value}: a cheap round trip for bystanders.
 * </ul>
 * A client connecting with the query parameter {@code traffic=N} gets events {@code n(0..N-1)} paced one per
 * millisecond from the moment it connects, then {@code end}. Emission waits at N/2 until the client says
 * {@code upgraded}, so the traffic is guaranteed to straddle its upgrade.
 */
final class ScenarioServer implements AutoCloseable {

  static final byte[] DOWNLOAD_A = {9, 8, 7, 0, -1};
  static final byte[] DOWNLOAD_B = {6, 5};
  static final String ALLOWED_ORIGIN = "https://app.example.com";
  static final int MAX_PAYLOAD = 100_000;

  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  final NotifyServer io;
  private final ConcurrentMap<String, CompletableFuture<Object>> seen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "scenario-pacer");
    thread.setDaemon(true);
    return thread;
  });

  ScenarioServer() {
    this(NotifyServer.builder());
  }

  /** A server from {@code builder} with the scenario's origin policy and payload limit. */
  ScenarioServer(NotifyServer.Builder builder) {
    io = builder.allowedOrigins(ALLOWED_ORIGIN).allowCredentials(true).maxPayload(MAX_PAYLOAD).build();
    io.onConnection(this::onConnection);
  }

  /** What the server saw from the client {@code label}: completes when it happens. */
  CompletableFuture<Object> seen(String label, String what) {
    return seen.computeIfAbsent(label + "/" + what, k -> new CompletableFuture<>());
  }

  private void record(String label, String what, Object value) {
    seen(label, what).complete(value);
  }

  private void onConnection(Socket socket) {
    String label = socket.handshake().query().getOrDefault("label", socket.id());
    record(label, "address", socket.handshake().address());
    record(label, "url", socket.handshake().url());
    record(label, "header", String.valueOf(socket.handshake().header("x-label")));
    socket.on("c2s", (args, ack) -> {
      record(label, "c2s#" + args.get(0).path("n").asInt(), args.get(0));
      ack.send("ack:c2s", args.get(0));
    });
    socket.on("upload", (args, ack) -> {
      byte[] a = args.getBytes(0);
      byte[] b = bytes(args.get(1).path("file"));
      record(label, "upload", List.of(hex(a), hex(b)));
      ack.send(b, a);
    });
    socket.on("start", (args, ack) -> {
      socket.emit("s2c", "hello " + label, 42);
      socket.timeout(ACK_TIMEOUT).emitWithAck("ask", "question")
          .whenComplete((answer, error) -> record(label, "ask-ack", error != null ? error : answer.getString(0)));
      socket.timeout(ACK_TIMEOUT).emitWithAck("download", DOWNLOAD_A, DOWNLOAD_B)
          .whenComplete((answer, error) -> record(label, "download-ack",
              error != null ? error : List.of(hex(answer.getBytes(0)), hex(answer.getBytes(1)))));
      ack.send("started");
    });
    socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    String traffic = socket.handshake().query().get("traffic");
    if (traffic != null) {
      startTraffic(socket, label, Integer.parseInt(traffic));
    }
  }

  private void startTraffic(Socket socket, String label, int count) {
    CompletableFuture<Object> upgraded = seen(label, "upgraded");
    socket.on("upgraded", (args, ack) -> upgraded.complete(true));
    AtomicInteger next = new AtomicInteger();
    long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    CompletableFuture<ScheduledFuture<?>> task = new CompletableFuture<>();
    task.complete(pacer.scheduleAtFixedRate(() -> {
      int i = next.get();
      if (i == count / 2 && !upgraded.isDone() && System.nanoTime() < holdUntil) {
        return; // hold until the client has upgraded, so that half of the traffic comes after it
      }
      if (i == count || !socket.connected()) {
        socket.emit("end");
        task.join().cancel(false);
        return;
      }
      socket.emit("n", i);
      next.incrementAndGet();
    }, 0, 1, TimeUnit.MILLISECONDS));
  }

  static String hex(byte[] bytes) {
    return bytes == null ? null : HexFormat.of().formatHex(bytes);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return node.isBinary() ? node.binaryValue() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    pacer.shutdownNow();
    io.close();
  }
}
