package dev.notify.redis.internal;

import dev.notify.core.internal.LogLimiter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterException;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisRequestTimeoutException;
import dev.notify.redis.RedisUnavailableException;
import dev.notify.redis.internal.ClusterMessage.AllRooms;
import dev.notify.redis.internal.ClusterMessage.AllRoomsResponse;
import dev.notify.redis.internal.ClusterMessage.Broadcast;
import dev.notify.redis.internal.ClusterMessage.BroadcastAck;
import dev.notify.redis.internal.ClusterMessage.BroadcastClientCount;
import dev.notify.redis.internal.ClusterMessage.DisconnectSockets;
import dev.notify.redis.internal.ClusterMessage.Done;
import dev.notify.redis.internal.ClusterMessage.FetchSockets;
import dev.notify.redis.internal.ClusterMessage.FetchSocketsResponse;
import dev.notify.redis.internal.ClusterMessage.ServerSideEmit;
import dev.notify.redis.internal.ClusterMessage.ServerSideEmitResponse;
import dev.notify.redis.internal.ClusterMessage.SingleSocket;
import dev.notify.redis.internal.ClusterMessage.SocketIds;
import dev.notify.redis.internal.ClusterMessage.SocketIdsResponse;
import dev.notify.redis.internal.ClusterMessage.SocketsJoin;
import dev.notify.redis.internal.ClusterMessage.SocketsLeave;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cluster adapter does whatever its wire format, as socket.io-adapter's {@code ClusterAdapter}: the
 * cluster side of each {@link dev.notify.core.adapter.Adapter} operation, the bookkeeping of requests (pending
 * requests, timers, aggregation of answers, cleanup on completion, timeout and close) and of broadcasts with acks,
 * and the ordered application of what other nodes send. A subclass adds only its codec and its pub/sub:
 * {@link #subscribe}, {@link #publish}, {@link #publishResponse}, {@link #serverCount}, and calls
 * {@link #receive} with each decoded message.
 *
 * <p>Threads: public operations run on the caller's thread and only encode and queue; {@link #receive} runs on a
 * subscriber thread and only queues; messages are applied one at a time, in arrival order, on the namespace's
 * handler executor; futures complete on that executor.
 */
public abstract class ClusterAdapterBase extends InMemoryAdapter implements RedisAdapter {

  private static final Logger log = LoggerFactory.getLogger("dev.notify.redis");

  protected final String uid;
  protected final RedisAdapterOptions options;
  protected final RedisResources resources;
  private final Runnable release;
  private final AtomicLong droppedInbound;
  private final SerialQueue inbound;
  private final LogLimiter limiter = new LogLimiter(10_000);
  private final Map<String, Pending> requests = new ConcurrentHashMap<>();
  private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
  /** What {@link #onClusterResumed} registered on the connections' health, shared with other adapters. */
  private final Map<Runnable, Health.Listener> resumeListeners = new ConcurrentHashMap<>();
  private final String member;
  private volatile boolean closed;

  protected ClusterAdapterBase(AdapterNamespace namespace, String uid, RedisAdapterOptions options,
      RedisResources resources, Runnable release, AtomicLong droppedInbound) {
    super(namespace);
    this.uid = uid;
    this.options = options;
    this.resources = resources;
    this.release = release;
    this.droppedInbound = droppedInbound;
    this.member = "node=" + uid + " nsp=" + namespace.name();
    this.inbound = new SerialQueue(namespace.executor(), options.inboundQueueCapacity(), member);
    resources.addMember(member);
  }

  // ---- what a wire format provides ----

  /** Subscribes to the channels of this namespace; completes when Redis confirmed every subscription. */
  protected abstract CompletableFuture<Void> subscribe();

  /** Ends the subscriptions of this namespace. */
  protected abstract void unsubscribe();

  /**
   * Encodes and queues a message for the other nodes, on the caller's thread.
   *
   * @return {@code false} when it was dropped (Redis unreachable or the outgoing queue full)
   */
  protected abstract boolean publish(ClusterMessage message);

  /** Encodes and queues an answer to the node {@code requesterUid} (never {@code null} for sharded mode). */
  protected abstract boolean publishResponse(String requesterUid, ClusterMessage response);

  /** A fresh request id. */
  protected abstract String newRequestId();

  /** The kind of the request pending under {@code requestId}, or {@code null}: classic responses are untyped. */
  protected final Class<? extends ClusterMessage> pendingKind(String requestId) {
    Pending p = requests.get(requestId);
    return p == null ? null : p.kind;
  }

  // ---- lifecycle ----

  @Override
  public final CompletableFuture<Void> init() {
    return subscribe().whenComplete((v, e) -> {
      if (e == null) {
        log.info("{}: joined the cluster through Redis {} (mode={}, key={})", member,
            resources.connector().describe(), mode(), options.key());
      }
    });
  }

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      unsubscribe();
    } catch (RuntimeException e) {
      log.debug("{}: unsubscribe failed while closing", member, e);
    }
    for (String id : new ArrayList<>(requests.keySet())) {
      Pending p = requests.remove(id);
      if (p != null) {
        p.cancelTimer();
        fail(p.future, new RedisAdapterException(p.type + " request " + id + " cancelled: the adapter closed"));
      }
    }
    for (AckRequest r : ackRequests.values()) {
      r.timer.cancel(false);
    }
    ackRequests.clear();
    resumeListeners.values().forEach(resources.health()::removeListener);
    resumeListeners.clear();
    resources.removeMember(member);
    release.run();
    log.info("{}: left the cluster", member);
  }

  @Override
  public final String uid() {
    return uid;
  }

  /** How many requests and broadcasts with acks await answers (for tests: nothing may leak). */
  public final int pendingRequests() {
    return requests.size() + ackRequests.size();
  }

  // ---- cluster side of the operations ----

  @Override
  public void broadcast(BroadcastPacket packet, BroadcastOptions opts) {
    if (!opts.local()) {
      publish(new Broadcast(uid, eventData(packet), opts, null));
    }
    super.broadcast(packet, opts);
  }

  @Override
  public void broadcastWithAck(BroadcastPacket packet, BroadcastOptions opts, IntConsumer clientCount,
      AckListener ack) {
    if (!opts.local()) {
      ArrayNode data = eventData(packet);
      String requestId = newRequestId();
      // no way to know when every remote ack came: forget the request when its timeout passes, as Node does
      Duration keep = opts.timeout() != null ? opts.timeout() : options.requestsTimeout();
      ScheduledFuture<?> timer = namespace().scheduler().schedule(() -> ackRequests.remove(requestId),
          keep.toMillis(), TimeUnit.MILLISECONDS);
      ackRequests.put(requestId, new AckRequest(clientCount, ack, timer));
      if (closed || !publish(new Broadcast(uid, data, opts, requestId))) {
        ackRequests.remove(requestId);
        timer.cancel(false);
      }
    }
    super.broadcastWithAck(packet, opts, clientCount, ack);
  }

  @Override
  public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
    List<SocketDetails> local = localDetails(opts);
    if (opts.local()) {
      return CompletableFuture.completedFuture(local);
    }
    return request("fetchSockets", FetchSockets.class, id -> new FetchSockets(uid, id, opts), local,
        parts -> {
          List<SocketDetails> all = new ArrayList<>();
          for (Object part : parts) {
            @SuppressWarnings("unchecked")
            List<SocketDetails> sockets = (List<SocketDetails>) part;
            all.addAll(sockets);
          }
          return all;
        });
  }

  @Override
  public void addSockets(BroadcastOptions opts, Collection<String> rooms) {
    if (!opts.local()) {
      publish(new SocketsJoin(uid, opts, List.copyOf(rooms)));
    }
    super.addSockets(opts, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions opts, Collection<String> rooms) {
    if (!opts.local()) {
      publish(new SocketsLeave(uid, opts, List.copyOf(rooms)));
    }
    super.delSockets(opts, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    if (!opts.local()) {
      publish(new DisconnectSockets(uid, opts, close));
    }
    super.disconnectSockets(opts, close);
  }

  @Override
  public CompletableFuture<List<JsonNode>> serverSideEmit(Object[] args, boolean withAck, Duration timeout) {
    ArrayNode data = Payloads.eventData(namespace().mapper(), (String) args[0],
        java.util.Arrays.copyOfRange(args, 1, args.length));
    if (!withAck) {
      publish(new ServerSideEmit(uid, null, data));
      return CompletableFuture.completedFuture(List.of());
    }
    return request("serverSideEmit", ServerSideEmit.class, id -> new ServerSideEmit(uid, id, data),
        null, timeout, parts -> {
          List<JsonNode> answers = new ArrayList<>(parts.size());
          for (Object part : parts) {
            answers.add((JsonNode) part);
          }
          return answers;
        });
  }

  /**
   * Settled once Redis is reachable and, after an outage, the other nodes had time to notice and resubscribe: their
   * longest reconnection delay plus one health check.
   */
  @Override
  public boolean clusterSettled() {
    return resources.publisher().available()
        && resources.health().settled(options.reconnectMaxDelay().plus(options.healthCheckInterval()));
  }

  @Override
  public void onClusterResumed(Runnable listener) {
    Health.Listener onUp = new Health.Listener() {
      @Override
      public void onDown() {
      }

      @Override
      public void onUp() {
        listener.run();
      }
    };
    if (resumeListeners.putIfAbsent(listener, onUp) == null) {
      resources.health().addListener(onUp);
    }
  }

  @Override
  public void offClusterResumed(Runnable listener) {
    Health.Listener onUp = resumeListeners.remove(listener);
    if (onUp != null) {
      resources.health().removeListener(onUp);
    }
  }

  @Override
  public CompletableFuture<Set<String>> allRooms() {
    // the cluster-adapter schema has no all-rooms request: ask every node for its sockets and their rooms
    return fetchSockets(BroadcastOptions.ALL).thenApply(sockets -> {
      Set<String> rooms = new LinkedHashSet<>(rooms());
      for (SocketDetails s : sockets) {
        rooms.addAll(s.rooms());
      }
      return rooms;
    });
  }

  /** This node's rooms, socket-id rooms included, as a Node node answers an all-rooms request. */
  protected final Set<String> roomsWithSocketIds() {
    Set<String> rooms = new LinkedHashSet<>(rooms());
    for (LocalSocket s : namespace().sockets()) {
      rooms.add(s.id());
    }
    return rooms;
  }

  // ---- requests ----

  /**
   * Sends a request to the other nodes and collects one answer from each: the number expected is the live
   * subscriber count minus this node; with none, completes at once with the local part alone.
   *
   * @param localPart this node's own part of the answer, first in the parts {@code finish} gets; {@code null} for
   *     none
   */
  protected final <T> CompletableFuture<T> request(String type, Class<? extends ClusterMessage> kind,
      Function<String, ClusterMessage> message, Object localPart, Function<List<Object>, T> finish) {
    return request(type, kind, message, localPart, null, finish);
  }

  /** As above, waiting {@code timeout} for the answers; {@code null} for the options' request timeout. */
  protected final <T> CompletableFuture<T> request(String type, Class<? extends ClusterMessage> kind,
      Function<String, ClusterMessage> message, Object localPart, Duration timeout, Function<List<Object>, T> finish) {
    Duration wait = timeout != null ? timeout : options.requestsTimeout();
    List<Object> initial = new ArrayList<>(2);
    if (localPart != null) {
      initial.add(localPart);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new RedisAdapterException(type + ": the adapter is closed"));
      return result;
    }
    serverCount().whenComplete((count, error) -> {
      if (error != null) {
        fail(result, unwrap(error));
        return;
      }
      int expected = count - 1;
      if (expected <= 0) {
        complete(result, finish.apply(initial));
        return;
      }
      String id = newRequestId();
      Pending p = new Pending(type, id, kind, expected, initial, finish, result);
      requests.put(id, p);
      p.timer = namespace().scheduler().schedule(() -> onTimeout(id, wait), wait.toMillis(), TimeUnit.MILLISECONDS);
      if (closed || !publish(message.apply(id))) {
        if (requests.remove(id) != null) {
          p.cancelTimer();
          fail(result, new RedisUnavailableException(type + " request " + id + " not sent: "
              + (closed ? "the adapter closed" : "Redis is unreachable or the outgoing queue is full")));
        }
      }
    });
    return result;
  }

  private void onResponse(String requestId, Object part) {
    Pending p = requests.get(requestId);
    if (p == null) {
      return; // someone else's, or too late
    }
    Object value = null;
    boolean done;
    synchronized (p) {
      if (p.done) {
        return;
      }
      p.parts.add(part);
      p.answered++;
      done = p.answered >= p.expected;
      if (done) {
        p.done = true;
      }
    }
    if (done) {
      requests.remove(requestId, p);
      p.cancelTimer();
      try {
        value = p.finish.apply(p.parts);
      } catch (RuntimeException e) {
        fail(p.future, e);
        return;
      }
      complete(p.future, value);
    }
  }

  private void onTimeout(String requestId, Duration waited) {
    Pending p = requests.remove(requestId);
    if (p == null) {
      return;
    }
    int answered;
    List<Object> partial;
    synchronized (p) {
      p.done = true;
      answered = p.answered;
      partial = new ArrayList<>(p.parts);
    }
    RedisRequestTimeoutException e = new RedisRequestTimeoutException(p.type, requestId, answered, p.expected,
        waited, partial);
    log.debug("{}: {}", member, e.getMessage());
    fail(p.future, e);
  }

  // ---- receiving ----

  /** Hands a decoded message to the ordered queue of this namespace; on the subscriber thread. */
  protected final void receive(ClusterMessage message) {
    if (message == null || closed) {
      return;
    }
    if (uid.equals(message.uid())) {
      return; // our own publish, already applied locally
    }
    if (!inbound.submit(() -> apply(message))) {
      droppedInbound.incrementAndGet();
      limiter.warn(log, "inbound-full", member + ": incoming queue full (" + options.inboundQueueCapacity()
          + "), dropped a message from another node");
    }
  }

  /** Logs a message that could not be decoded (once per kind and period) and moves on. */
  protected final void malformed(String channel, MalformedMessageException e) {
    limiter.warn(log, e.kind(), member + ": skipped a message on " + channel + " (" + e.kind() + "): "
        + e.getMessage());
  }

  private void apply(ClusterMessage m) {
    if (closed) {
      return;
    }
    if (m instanceof Broadcast b) {
      BroadcastPacket packet = packet(b.data());
      if (b.requestId() == null) {
        super.broadcast(packet, b.opts());
      } else {
        String requester = b.uid();
        String rid = b.requestId();
        super.broadcastWithAck(packet, b.opts(),
            count -> publishResponse(requester, new BroadcastClientCount(uid, rid, count)),
            args -> publishResponse(requester, new BroadcastAck(uid, rid, args != null && args.size() > 0
                ? args.get(0) : null)));
      }
    } else if (m instanceof SocketsJoin j) {
      super.addSockets(j.opts(), j.rooms());
    } else if (m instanceof SocketsLeave l) {
      super.delSockets(l.opts(), l.rooms());
    } else if (m instanceof DisconnectSockets d) {
      super.disconnectSockets(d.opts(), d.close());
    } else if (m instanceof FetchSockets f) {
      publishResponse(f.uid(), new FetchSocketsResponse(uid, f.requestId(), localDetails(f.opts())));
    } else if (m instanceof ServerSideEmit s) {
      if (s.requestId() == null) {
        namespace().onServerSideEmit(s.data(), null);
      } else {
        String requester = s.uid();
        namespace().onServerSideEmit(s.data(), answer -> {
          JsonNode tree;
          try {
            tree = Payloads.toTree(namespace().mapper(), answer);
          } catch (IllegalArgumentException e) {
            log.warn("{}: serverSideEmit answer cannot be serialized: {}", member, e.getMessage());
            return;
          }
          publishResponse(requester, new ServerSideEmitResponse(uid, s.requestId(), tree));
        });
      }
    } else if (m instanceof AllRooms a) {
      publishResponse(a.uid(), new AllRoomsResponse(uid, a.requestId(), roomsWithSocketIds()));
    } else if (m instanceof SocketIds q) {
      Set<String> ids = sockets(new BroadcastOptions(q.rooms(), Set.of(), false, false, true, null));
      publishResponse(q.uid(), new SocketIdsResponse(uid, q.requestId(), ids));
    } else if (m instanceof SingleSocket s) {
      applySingle(s);
    } else if (m instanceof FetchSocketsResponse r) {
      onResponse(r.requestId(), r.sockets());
    } else if (m instanceof ServerSideEmitResponse r) {
      ArrayNode answer = Payloads.NODES.arrayNode(1);
      if (r.answer() != null) {
        answer.add(r.answer());
      }
      onResponse(r.requestId(), answer);
    } else if (m instanceof AllRoomsResponse r) {
      onResponse(r.requestId(), r.rooms());
    } else if (m instanceof BroadcastClientCount c) {
      AckRequest r = ackRequests.get(c.requestId());
      if (r != null) {
        r.clientCount.accept(c.clientCount());
      }
    } else if (m instanceof BroadcastAck a) {
      AckRequest r = ackRequests.get(a.requestId());
      if (r != null) {
        ArrayNode args = Payloads.NODES.arrayNode(1);
        if (a.ack() != null) {
          args.add(a.ack());
        }
        r.ack.onAck(args);
      }
    }
    // SocketIdsResponse, Done: answers to requests this node never sends
  }

  private void applySingle(SingleSocket s) {
    LocalSocket socket = namespace().socket(s.socketId());
    if (socket == null) {
      return;
    }
    switch (s.op()) {
      case JOIN -> {
        if (s.room() != null) {
          addAll(socket, List.of(s.room()));
        }
      }
      case LEAVE -> {
        if (s.room() != null) {
          del(socket, s.room());
        }
      }
      case DISCONNECT -> socket.disconnect(s.close());
    }
    if (s.requestId() != null) {
      publishResponse(s.uid(), new Done(uid, s.requestId()));
    }
  }

  // ---- helpers ----

  /** {@code [event, ...args]} of a packet, converted once by the server's mapper. */
  private ArrayNode eventData(BroadcastPacket packet) {
    return Payloads.eventData(namespace().mapper(), packet.event(), packet.args());
  }

  private static BroadcastPacket packet(ArrayNode data) {
    Object[] args = new Object[data.size() - 1];
    for (int i = 1; i < data.size(); i++) {
      args[i - 1] = data.get(i);
    }
    return new BroadcastPacket(data.get(0).textValue(), args);
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    try {
      namespace().executor().execute(() -> future.complete(value));
    } catch (RejectedExecutionException e) {
      future.complete(value);
    }
  }

  private void fail(CompletableFuture<?> future, Throwable error) {
    try {
      namespace().executor().execute(() -> future.completeExceptionally(error));
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(error);
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** A request waiting for the other nodes' answers. */
  private static final class Pending {
    final String type;
    final String id;
    final Class<? extends ClusterMessage> kind;
    final int expected;
    final List<Object> parts;
    final Function<List<Object>, ?> finish;
    final CompletableFuture<Object> future;
    volatile ScheduledFuture<?> timer;
    int answered;
    boolean done;

    @SuppressWarnings("unchecked")
    <T> Pending(String type, String id, Class<? extends ClusterMessage> kind, int expected, List<Object> initial,
        Function<List<Object>, T> finish, CompletableFuture<T> future) {
      this.type = type;
      this.id = id;
      this.kind = kind;
      this.expected = expected;
      this.parts = initial; // the local part, if any, which is not an answer
      this.finish = finish;
      this.future = (CompletableFuture<Object>) future;
    }

    void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  /** A broadcast with acks waiting for the other nodes' client counts and acks. */
  private record AckRequest(IntConsumer clientCount, AckListener ack, ScheduledFuture<?> timer) {
  }
}
