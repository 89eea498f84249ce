package dev.notify.core.adapter.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.adapter.LocalSocket;
import dev.notify.core.adapter.SocketDetails;
import dev.notify.core.adapter.cluster.ClusterMessage.AllRooms;
import dev.notify.core.adapter.cluster.ClusterMessage.AllRoomsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.notify.core.adapter.cluster.ClusterMessage.DisconnectSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.Done;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.SingleSocket;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketIds;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketIdsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketsJoin;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketsLeave;
import dev.notify.core.internal.LogLimiter;
import dev.notify.core.internal.SerialQueue;
import dev.notify.core.internal.Trees;
import dev.notify.core.server.NotifyException;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cluster adapter does whatever its broker and wire format, as socket.io-adapter's {@code ClusterAdapter}:
 * the cluster side of each {@link dev.notify.core.adapter.Adapter} operation, the bookkeeping of requests (pending
 * requests, timers, aggregation of answers, cleanup on completion, timeout and close) and of broadcasts with acks,
 * and the ordered application of what other nodes send. An adapter for a broker (notify-redis has two; Postgres,
 * NATS or Redis Streams would be others) adds only its codec and its transport: {@link #subscribe},
 * {@link #unsubscribe}, {@link #publish}, {@link #publishResponse}, {@link #newRequestId},
 * {@link dev.notify.core.adapter.Adapter#serverCount}, and calls {@link #receive} with each decoded message; it may
 * override the failures ({@link #closedFailure}, {@link #notSentFailure}, {@link #timeoutFailure}) to throw its own
 * exception types, and {@link #onClose} to release what it holds.
 *
 * <p>Threads: public operations run on the caller's thread and only encode and queue; {@link #receive} runs on the
 * transport's thread and only queues, except a broadcast without acks to at most 64 local sockets while nothing
 * waits, which it applies at once; messages are applied one at a time, in arrival order, on the namespace's handler
 * executor; futures complete on that executor.
 */
public abstract class ClusterAdapter extends InMemoryAdapter {

  private static final Logger log = LoggerFactory.getLogger(ClusterAdapter.class);
  /**
   * Local sockets a broadcast from another node may reach and still be applied on the receiving thread; a larger
   * fan-out goes to the handler executor, so that the broker's connection is read on without waiting for it.
   */
  private static final int INLINE_TARGETS = 64;

  protected final String uid;
  private final Duration requestsTimeout;
  private final int inboundQueueCapacity;
  private final SerialQueue inbound;
  private final LogLimiter limiter = new LogLimiter(10_000);
  private final PendingRequests requests;
  private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
  private final String member;
  private volatile boolean closed;

  /**
   * @param uid this node's id in the cluster, unique per server process
   * @param requestsTimeout how long a request waits for the other nodes' answers, unless it says otherwise
   * @param inboundQueueCapacity messages from other nodes that may wait to be applied; past it, they are dropped
   */
  protected ClusterAdapter(AdapterNamespace namespace, String uid, Duration requestsTimeout,
      int inboundQueueCapacity) {
    super(namespace);
    this.uid = uid;
    this.requestsTimeout = requestsTimeout;
    this.inboundQueueCapacity = inboundQueueCapacity;
    this.member = "node=" + uid + " nsp=" + namespace.name();
    this.inbound = new SerialQueue(namespace.executor(), inboundQueueCapacity, member);
    this.requests = new PendingRequests(namespace.executor(), namespace.scheduler(), this::timeoutFailure,
        namespace.metrics(), member);
  }

  // ---- what a broker and its wire format provide ----

  /** Subscribes to the channels of this namespace; completes when the broker confirmed every subscription. */
  protected abstract CompletableFuture<Void> subscribe();

  /** Ends the subscriptions of this namespace. */
  protected abstract void unsubscribe();

  /**
   * Encodes and queues a message for the other nodes, on the caller's thread.
   *
   * @return {@code false} when it was dropped (the broker unreachable or the outgoing queue full)
   */
  protected abstract boolean publish(ClusterMessage message);

  /** Encodes and queues an answer to the node {@code requesterUid} (never {@code null} for sharded mode). */
  protected abstract boolean publishResponse(String requesterUid, ClusterMessage response);

  /** A fresh request id. */
  protected abstract String newRequestId();

  private boolean send(ClusterMessage message) {
    boolean sent = publish(message);
    if (sent) {
      namespace().metrics().clusterMessageSent(message.getClass().getSimpleName());
    }
    return sent;
  }

  private boolean sendResponse(String requesterUid, ClusterMessage response) {
    boolean sent = publishResponse(requesterUid, response);
    if (sent) {
      namespace().metrics().clusterMessageSent(response.getClass().getSimpleName());
    }
    return sent;
  }

  /** The kind of the request pending under {@code requestId}, or {@code null}: classic responses are untyped. */
  protected final Class<? extends ClusterMessage> pendingKind(String requestId) {
    return requests.kind(requestId);
  }

  // ---- lifecycle ----

  @Override
  public CompletableFuture<Void> init() {
    return subscribe();
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
    requests.cancelAll(request -> closedFailure(request + " cancelled: the adapter closed"));
    for (AckRequest r : ackRequests.values()) {
      r.timer.cancel(false);
    }
    ackRequests.clear();
    onClose();
  }

  /** After {@link #close()} unsubscribed and failed what was pending: release what the subclass holds. */
  protected void onClose() {
  }

  /** How this adapter names itself in log lines: its node id and namespace. */
  protected final String member() {
    return member;
  }

  /** A request failed because the adapter closed. */
  protected RuntimeException closedFailure(String message) {
    return new NotifyException(message);
  }

  /** A request could not be sent: the broker unreachable, or the outgoing queue full. */
  protected RuntimeException notSentFailure(String message) {
    return new NotifyException(message);
  }

  /** A request timed out with {@code answered} of {@code expected} answers, whose parts are {@code partial}. */
  protected RuntimeException timeoutFailure(String type, String requestId, int answered, int expected,
      Duration waited, List<Object> partial) {
    return new NotifyException(type + " request " + requestId + " timed out after " + waited.toMillis() + " ms: "
        + answered + " of " + expected + " nodes answered");
  }

  /** This node's id in the cluster. */
  public final String uid() {
    return uid;
  }

  /** How many requests and broadcasts with acks await the other nodes' answers: a gauge (nothing may leak). */
  public final int pendingRequests() {
    return requests.size() + ackRequests.size();
  }

  // ---- cluster side of the operations ----

  @Override
  public void broadcast(BroadcastPacket packet, BroadcastOptions opts) {
    if (!opts.local()) {
      send(new Broadcast(uid, eventData(packet), opts, null));
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
      Duration keep = opts.timeout() != null ? opts.timeout() : requestsTimeout;
      ScheduledFuture<?> timer = namespace().scheduler().schedule(() -> ackRequests.remove(requestId),
          keep.toMillis(), TimeUnit.MILLISECONDS);
      ackRequests.put(requestId, new AckRequest(clientCount, ack, timer));
      if (closed || !send(new Broadcast(uid, data, opts, requestId))) {
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
      send(new SocketsJoin(uid, opts, List.copyOf(rooms)));
    }
    super.addSockets(opts, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions opts, Collection<String> rooms) {
    if (!opts.local()) {
      send(new SocketsLeave(uid, opts, List.copyOf(rooms)));
    }
    super.delSockets(opts, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    if (!opts.local()) {
      send(new DisconnectSockets(uid, opts, close));
    }
    super.disconnectSockets(opts, close);
  }

  @Override
  public CompletableFuture<List<JsonNode>> serverSideEmit(Object[] args, boolean withAck, Duration timeout) {
    ArrayNode data = Trees.eventData(namespace().mapper(), (String) args[0],
        java.util.Arrays.copyOfRange(args, 1, args.length));
    if (!withAck) {
      send(new ServerSideEmit(uid, null, data));
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

  /** Every room of the namespace on every node, private socket-id rooms included (as Node's {@code allRooms}). */
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
    Duration wait = timeout != null ? timeout : requestsTimeout;
    List<Object> initial = new ArrayList<>(2);
    if (localPart != null) {
      initial.add(localPart);
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(closedFailure(type + ": the adapter is closed"));
      return result;
    }
    serverCount().whenComplete((count, error) -> {
      if (error != null) {
        fail(result, unwrap(error));
        return;
      }
      namespace().metrics().clusterServers(count);
      int expected = count - 1;
      if (expected <= 0) {
        complete(result, finish.apply(initial));
        return;
      }
      String id = newRequestId();
      requests.add(type, id, kind, expected, initial, finish, result, wait);
      if (closed || !send(message.apply(id))) {
        requests.cancel(id, notSentFailure(type + " request " + id + " not sent: "
            + (closed ? "the adapter closed" : "the broker is unreachable or the outgoing queue is full")));
      }
    });
    return result;
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
    namespace().metrics().clusterMessageReceived(message.getClass().getSimpleName());
    Runnable task = () -> apply(message);
    // a broadcast to a few local sockets only encodes and queues writes: applied on this thread, it saves a hand-over
    boolean inline = message instanceof Broadcast b && b.requestId() == null
        && reachesAtMost(b.opts(), INLINE_TARGETS);
    if (!(inline ? inbound.runOrSubmit(task) : inbound.submit(task))) {
      inboundDropped();
      limiter.warn(log, "inbound-full", member + ": incoming queue full (" + inboundQueueCapacity
          + "), dropped a message from another node");
    }
  }

  /** A message from another node was dropped: the incoming queue was full. */
  protected void inboundDropped() {
  }



  /** A message from another node: an operation to apply here, or an answer to one of this node's requests. */
  private void apply(ClusterMessage m) {
    if (closed) {
      return;
    }
    if (m instanceof Broadcast b) {
      applyBroadcast(b);
    } else if (m instanceof SocketsJoin j) {
      super.addSockets(j.opts(), j.rooms());
    } else if (m instanceof SocketsLeave l) {
      super.delSockets(l.opts(), l.rooms());
    } else if (m instanceof DisconnectSockets d) {
      super.disconnectSockets(d.opts(), d.close());
    } else if (m instanceof FetchSockets f) {
      sendResponse(f.uid(), new FetchSocketsResponse(uid, f.requestId(), localDetails(f.opts())));
    } else if (m instanceof ServerSideEmit s) {
      applyServerSideEmit(s);
    } else if (m instanceof AllRooms a) {
      sendResponse(a.uid(), new AllRoomsResponse(uid, a.requestId(), roomsWithSocketIds()));
    } else if (m instanceof SocketIds q) {
      Set<String> ids = sockets(new BroadcastOptions(q.rooms(), Set.of(), false, false, true, null));
      sendResponse(q.uid(), new SocketIdsResponse(uid, q.requestId(), ids));
    } else if (m instanceof SingleSocket s) {
      applySingle(s);
    } else {
      applyAnswer(m);
    }
  }

  private void applyBroadcast(Broadcast b) {
    BroadcastPacket packet = packet(b.data());
    if (b.requestId() == null) {
      super.broadcast(packet, b.opts());
      return;
    }
    String requester = b.uid();
    String rid = b.requestId();
    super.broadcastWithAck(packet, b.opts(),
        count -> sendResponse(requester, new BroadcastClientCount(uid, rid, count)),
        args -> sendResponse(requester, new BroadcastAck(uid, rid, args != null && args.size() > 0
            ? args.get(0) : null)));
  }

  private void applyServerSideEmit(ServerSideEmit s) {
    if (s.requestId() == null) {
      namespace().onServerSideEmit(s.data(), null);
      return;
    }
    String requester = s.uid();
    namespace().onServerSideEmit(s.data(), answer -> {
      JsonNode tree;
      try {
        tree = Trees.toTree(namespace().mapper(), answer);
      } catch (IllegalArgumentException e) {
        log.warn("{}: serverSideEmit answer cannot be serialized: {}", member, e.getMessage());
        return;
      }
      sendResponse(requester, new ServerSideEmitResponse(uid, s.requestId(), tree));
    });
  }

  /** An answer to a request or a broadcast with acks of this node. */
  private void applyAnswer(ClusterMessage m) {
    if (m instanceof FetchSocketsResponse r) {
      requests.answer(r.requestId(), r.sockets());
    } else if (m instanceof ServerSideEmitResponse r) {
      ArrayNode answer = JsonNodeFactory.instance.arrayNode(1);
      if (r.answer() != null) {
        answer.add(r.answer());
      }
      requests.answer(r.requestId(), answer);
    } else if (m instanceof AllRoomsResponse r) {
      requests.answer(r.requestId(), r.rooms());
    } else if (m instanceof BroadcastClientCount c) {
      AckRequest r = ackRequests.get(c.requestId());
      if (r != null) {
        r.clientCount.accept(c.clientCount());
      }
    } else if (m instanceof BroadcastAck a) {
      AckRequest r = ackRequests.get(a.requestId());
      if (r != null) {
        ArrayNode args = JsonNodeFactory.instance.arrayNode(1);
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
      sendResponse(s.uid(), new Done(uid, s.requestId()));
    }
  }

  // ---- helpers ----

  /** {@code [event, ...args]} of a packet, converted once by the server's mapper. */
  private ArrayNode eventData(BroadcastPacket packet) {
    return Trees.eventData(namespace().mapper(), packet.event(), packet.args());
  }

  private static BroadcastPacket packet(ArrayNode data) {
    Object[] args = new Object[data.size() - 1];
    for (int i = 1; i < data.size(); i++) {
      args[i - 1] = data.get(i);
    }
    return new BroadcastPacket(data.get(0).textValue(), args);
  }

  private <T> void complete(CompletableFuture<T> future, T value) {
    PendingRequests.complete(namespace().executor(), future, value);
  }

  private void fail(CompletableFuture<?> future, Throwable error) {
    PendingRequests.fail(namespace().executor(), future, error);
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** A broadcast with acks waiting for the other nodes' client counts and acks. */
  private record AckRequest(IntConsumer clientCount, AckListener ack, ScheduledFuture<?> timer) {
  }
}
