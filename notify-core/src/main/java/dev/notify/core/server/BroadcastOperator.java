package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.core.internal.Targets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A broadcast being aimed at the sockets of one namespace, as Socket.IO's {@code BroadcastOperator}: every
 * modifier ({@code to}, {@code in}, {@code except}, {@code asVolatile}, {@code compress}, {@code local},
 * {@code timeout}) returns a new operator and leaves this one unchanged; {@code emit}, {@code emitWithAck},
 * {@code fetchSockets}, {@code socketsJoin}, {@code socketsLeave} and {@code disconnectSockets} are terminal.
 *
 * <pre>{@code
 * io.to("role:admin").except("user:1").timeout(Duration.ofSeconds(5))
 *     .emitWithAck("confirm", data)
 *     .thenAccept(answers -> ...);   // one Args per client
 * }</pre>
 *
 * <p>Immutable and thread-safe: keep, share and reuse operators from any thread. The packet is encoded once per
 * emit, whatever the number of targets.
 */
public final class BroadcastOperator implements EmitterOperator {

  private final Namespace namespace;
  private final Set<String> rooms;
  private final Set<String> except;
  private final boolean volatileFlag;
  private final boolean compress;
  private final boolean local;
  private final Duration timeout;

  BroadcastOperator(Namespace namespace) {
    this(namespace, Set.of(), Set.of(), false, false, false, null);
  }

  private BroadcastOperator(Namespace namespace, Set<String> rooms, Set<String> except, boolean volatileFlag,
      boolean compress, boolean local, Duration timeout) {
    this.namespace = namespace;
    this.rooms = rooms;
    this.except = except;
    this.volatileFlag = volatileFlag;
    this.compress = compress;
    this.local = local;
    this.timeout = timeout;
  }

  @Override
  public BroadcastOperator to(String... rooms) {
    return new BroadcastOperator(namespace, Targets.union(this.rooms, rooms), except, volatileFlag, compress, local,
        timeout);
  }

  @Override
  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  @Override
  public BroadcastOperator except(String... rooms) {
    return new BroadcastOperator(namespace, this.rooms, Targets.union(except, rooms), volatileFlag, compress, local,
        timeout);
  }

  @Override
  public BroadcastOperator asVolatile() {
    return new BroadcastOperator(namespace, rooms, except, true, compress, local, timeout);
  }

  @Override
  public BroadcastOperator compress(boolean compress) {
    return new BroadcastOperator(namespace, rooms, except, volatileFlag, compress, local, timeout);
  }

  /** Stays on this node, even in a cluster. */
  public BroadcastOperator local() {
    return new BroadcastOperator(namespace, rooms, except, volatileFlag, compress, true, timeout);
  }

  /** Sets the ack timeout of {@link #emitWithAck}; &gt; 0. */
  public BroadcastOperator timeout(Duration timeout) {
    return new BroadcastOperator(namespace, rooms, except, volatileFlag, compress, local, checkTimeout(timeout));
  }

  @Override
  public void emit(String event, Object... args) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    BroadcastOptions options = options();
    RecoverableEmits recoverable = namespace.recoverable();
    if (recoverable != null && !volatileFlag) {
      // kept with its offset, which it carries to the clients as its last argument
      recoverable.emit(options, event, args.clone(),
          withOffset -> namespace.adapter().broadcast(new BroadcastPacket(event, withOffset), options));
    } else {
      namespace.adapter().broadcast(new BroadcastPacket(event, args), options);
    }
  }

  /**
   * Sends an event asking every targeted client for an acknowledgement, and collects them.
   *
   * <p>The future completes with one {@link Args} per client once every client answered or disconnected; it
   * fails with {@link AckTimeoutException} (holding the answers that came) when {@link #timeout} passes first.
   * Without a timeout, a client of another node that never answers keeps it pending: set one in a cluster.
   * Completed on a handler thread.
   */
  public CompletableFuture<List<Args>> emitWithAck(String event, Object... args) {
    return collect(event, args, false);
  }

  /**
   * Sends an event asking every targeted client for an acknowledgement, and completes with the first answer as
   * soon as it arrives: "any device got it". Completes with {@code null} when no client was targeted (on any
   * node), and fails with {@link AckTimeoutException} when clients were targeted but none answered within
   * {@link #timeout}. Later answers are ignored. Completed on a handler thread.
   */
  public CompletableFuture<Args> emitWithFirstAck(String event, Object... args) {
    return collect(event, args, true).thenApply(answers -> answers.isEmpty() ? null : answers.get(0));
  }

  private CompletableFuture<List<Args>> collect(String event, Object[] args, boolean first) {
    Targets.checkEvent(event);
    Objects.requireNonNull(args, "args");
    AckCollector collector = new AckCollector(event, first);
    namespace.adapter().broadcastWithAck(new BroadcastPacket(event, args), options(), collector::onClientCount,
        collector);
    namespace.adapter().serverCount().whenComplete((count, error) -> {
      if (error != null) {
        collector.fail(error);
      } else {
        collector.onServerCount(count);
      }
    });
    return collector.result;
  }

  /** The targeted sockets, on every node (unless {@link #local}). */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    return namespace.adapter().fetchSockets(options()).thenApply(details -> {
      List<RemoteSocket> sockets = new ArrayList<>(details.size());
      for (SocketDetails d : details) {
        sockets.add(new RemoteSocket(namespace, d));
      }
      return sockets;
    });
  }

  @Override
  public void socketsJoin(String... rooms) {
    namespace.adapter().addSockets(options(), Targets.rooms(rooms));
  }

  @Override
  public void socketsLeave(String... rooms) {
    namespace.adapter().delSockets(options(), Targets.rooms(rooms));
  }

  @Override
  public void disconnectSockets(boolean close) {
    namespace.adapter().disconnectSockets(options(), close);
  }

  BroadcastOptions options() {
    return new BroadcastOptions(rooms, except, volatileFlag, compress, local, timeout);
  }

  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
    }
    return timeout;
  }

  @Override
  public String toString() {
    return "BroadcastOperator{nsp=" + namespace.name() + ", rooms=" + rooms + ", except=" + except
        + (volatileFlag ? ", volatile" : "") + (compress ? ", compress" : "") + (local ? ", local" : "")
        + (timeout != null ? ", timeout=" + timeout : "") + '}';
  }

  /** Counts what each node announced against the acks that came, as the reference server does. */
  private final class AckCollector implements AckListener {
    final CompletableFuture<List<Args>> result = new CompletableFuture<>();
    private final String event;
    private final boolean first;
    private final List<Args> answers = new ArrayList<>();
    private final ScheduledFuture<?> timer;
    private int expectedServers = -1;
    private int reportedServers;
    private int expectedClients;
    private boolean done;

    AckCollector(String event, boolean first) {
      this.event = event;
      this.first = first;
      this.timer = timeout == null ? null : namespace.server().scheduler().schedule(this::onTimeout,
          timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void onClientCount(int count) {
      expectedClients += count;
      reportedServers++;
      check();
    }

    synchronized void onServerCount(int count) {
      expectedServers = count;
      check();
    }

    @Override
    public synchronized void onAck(JsonNode args) {
      if (!done) {
        answers.add(Args.of(args, 0, namespace.mapper()));
        check();
      }
    }

    @Override
    public synchronized void onDisconnect(String socketId) {
      expectedClients--;
      check();
    }

    synchronized void fail(Throwable error) {
      if (!done) {
        done = true;
        cancelTimer();
        namespace.server().executor().execute(() -> result.completeExceptionally(error));
      }
    }

    private void onTimeout() {
      List<Args> partial;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        partial = List.copyOf(answers);
      }
      namespace.server().metrics().ackTimedOut(namespace.metricsName());
      String message = "broadcast '" + event + "' got " + partial.size() + " of " + Math.max(expectedClients,
          partial.size()) + " acks within " + timeout.toMillis() + " ms (" + reportedServers + " of "
          + (expectedServers < 0 ? "?" : expectedServers) + " nodes answered)";
      namespace.server().executor().execute(() ->
          result.completeExceptionally(new AckTimeoutException(message, partial)));
    }

    private void check() {
      boolean allIn = expectedServers >= 0 && reportedServers >= expectedServers && answers.size() >= expectedClients;
      if (!done && (allIn || first && !answers.isEmpty())) {
        done = true;
        cancelTimer();
        List<Args> all = List.copyOf(answers);
        namespace.server().executor().execute(() -> result.complete(all));
      }
    }

    private void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }
}
