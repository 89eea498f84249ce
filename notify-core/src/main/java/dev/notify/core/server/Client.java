package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.SessionIds;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.ProtocolException;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketDecoder;
import dev.notify.core.internal.protocol.SocketPacketType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO side of one Engine.IO session: decodes its packets, routes them to the sockets of each
 * namespace, runs the connection handshake (namespace lookup, middlewares, CONNECT answer) and the connect
 * timeout. Decoding happens on the transport thread; everything that runs user code goes to this connection's
 * serial executor.
 */
final class Client implements EngineSession.Listener {

  private static final Logger log = LoggerFactory.getLogger(Client.class);
  private static final ServerSocket[] NONE = new ServerSocket[0];

  private final NotifyServer server;
  private final EngineSession session;
  private final SerialExecutor executor;
  private final SocketPacketDecoder decoder;
  private volatile ServerSocket[] sockets = NONE;
  private volatile ScheduledFuture<?> connectTimer;
  /** Bytes of the packet being decoded: its text and the attachments read so far; guarded by the decoder. */
  private long packetBytes;
  /** Namespaces whose CONNECT is being handled; guarded by this. */
  private Set<String> connecting;

  Client(NotifyServer server, EngineSession session) {
    this.server = server;
    this.session = session;
    this.executor = new SerialExecutor(server.executor());
    this.decoder = new SocketPacketDecoder(server.payloadReader(), server.options().maxAttachments(),
        server.options().engine().maxPayload());
    this.connectTimer = server.scheduler().schedule(this::onConnectTimeout,
        server.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  SerialExecutor executor() {
    return executor;
  }

  EngineSession session() {
    return session;
  }

  boolean send(List<Frame> frames, boolean volatileFrames) {
    return session.send(frames, volatileFrames);
  }

  // ---- from the engine ----

  @Override
  public void onMessage(EngineSession s, String text) {
    decoded(() -> decoder.decode(text), text.length());
  }

  @Override
  public void onMessage(EngineSession s, byte[] data) {
    decoded(() -> decoder.decode(data), data.length);
  }

  /** Runs one decoder step; a complete packet is routed, bad input closes the connection. */
  private void decoded(Supplier<SocketPacket> step, int bytes) {
    SocketPacket packet;
    long size;
    try {
      synchronized (decoder) {
        packetBytes += bytes;
        size = packetBytes;
        packet = step.get();
        if (packet != null || !decoder.awaitsAttachments()) {
          packetBytes = 0;
        }
      }
    } catch (ProtocolException e) {
      session.close(e.tooLarge() ? CloseReason.MESSAGE_TOO_LARGE : CloseReason.PARSE_ERROR, e.getMessage());
      return;
    }
    if (packet != null) {
      route(packet, size);
    }
  }

  @Override
  public void onClose(EngineSession s, CloseReason reason) {
    cancelConnectTimer();
    DisconnectReason why = DisconnectReason.of(reason);
    for (ServerSocket socket : sockets) {
      if (socket.markDisconnected()) {
        executor.execute(() -> socket.cleanup(why));
      }
    }
  }

  private void route(SocketPacket packet, long bytes) {
    ServerSocket socket = find(packet.namespace());
    if (packet.type() == SocketPacketType.CONNECT) {
      if (socket != null || !beginConnect(packet.namespace())) {
        session.close(CloseReason.PARSE_ERROR, "second CONNECT to " + packet.namespace());
        return;
      }
      inbound(() -> connect(packet.namespace(), packet.data()), bytes);
      return;
    }
    if (socket == null || packet.type() == SocketPacketType.CONNECT_ERROR) {
      session.close(CloseReason.PARSE_ERROR, packet.type() + " packet for namespace " + packet.namespace()
          + ", which the client is not connected to");
      return;
    }
    switch (packet.type()) {
      case EVENT, BINARY_EVENT -> {
        if (socket.admit(packet)) {
          long arrived = System.nanoTime();
          inbound(() -> socket.onEvent(packet, arrived), bytes);
        }
      }
      case ACK, BINARY_ACK -> socket.onAck(packet);
      case DISCONNECT -> {
        if (socket.markDisconnected()) {
          executor.execute(() -> socket.cleanup(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT));
        }
      }
      default -> throw new AssertionError(packet.type());
    }
  }

  /** Queues the handling of a packet, or disconnects a client whose packets pile up faster than they are handled. */
  private void inbound(Runnable task, long bytes) {
    ServerOptions options = server.options();
    if (!executor.executeInbound(task, bytes, options.maxInboundPackets(), options.maxInboundBytes())) {
      session.close(CloseReason.POLICY_VIOLATION, "inbound queue full: " + executor.inboundPackets()
          + " packets / " + executor.inboundBytes() + " bytes wait for handlers (limits "
          + options.maxInboundPackets() + " / " + options.maxInboundBytes() + ")");
    }
  }

  // ---- namespace connection, on the executor ----

  private void connect(String name, JsonNode auth) {
    if (!session.isOpen()) {
      endConnect(name);
      return;
    }
    Namespace namespace = server.namespaceFor(name);
    if (namespace == null) {
      LogContext.about(log.atDebug(), session.id(), name).log("namespace refused: unknown");
      connectError(name, "Invalid namespace", null);
      return;
    }
    if (!namespace.ready().isDone()) {
      namespace.ready().whenComplete((v, e) -> executor.execute(() -> connect(name, auth)));
      return;
    }
    if (namespace.ready().isCompletedExceptionally()) {
      connectError(name, "Namespace unavailable", null);
      return;
    }
    RecoveryStore recovery = server.recovery();
    if (recovery != null && auth != null && auth.path("pid").isTextual() && auth.path("offset").isTextual()) {
      recover(recovery, namespace, auth, auth.get("pid").textValue(), auth.get("offset").textValue());
      return;
    }
    connect(namespace, auth, null);
  }

  /** A session being taken back: the stored session, the client's offset, the events missed up to now. */
  /** A session taken back, with the offset the client gave and the events missed after it. */
  private record Recovery(RecoveryStore.Session session, String offset, List<RecoveryStore.Missed> missed) {
  }

  private void recover(RecoveryStore recovery, Namespace namespace, JsonNode auth, String pid, String offset) {
    String name = namespace.name();
    recovery.restore(name, pid, offset)
        .thenApply(restored -> restored == null ? null : new Recovery(restored.session(), offset, restored.missed()))
        .whenComplete((recovered, error) -> executor.execute(() -> {
          if (error != null) {
            LogContext.about(log.atWarn(), session.id(), name)
                .log("session recovery failed, connecting afresh: {}", error.toString());
          }
          connect(namespace, auth, error == null ? recovered : null);
        }));
  }

  private void connect(Namespace namespace, JsonNode auth, Recovery recovery) {
    String name = namespace.name();
    if (!session.isOpen()) {
      endConnect(name);
      return;
    }
    Handshake handshake = new Handshake(session.request(), auth, server.clock().millis());
    String pid = server.recovery() == null ? null : recovery != null ? recovery.session().pid() : SessionIds.next();
    String id = recovery != null ? recovery.session().socketId() : SessionIds.next();
    ServerSocket socket = new ServerSocket(id, namespace, this, handshake, pid, recovery != null);
    if (recovery != null && server.options().skipMiddlewaresOnRecovery()) {
      onAccepted(namespace, socket, recovery);
      return;
    }
    LogContext context = socket.logContext();
    MiddlewareChain.run(namespace.middlewares(), (m, next) -> context.run(() -> m.handle(socket, next)), executor,
        new MiddlewareChain.Outcome() {
          @Override
          public void accepted() {
            onAccepted(namespace, socket, recovery);
          }

          @Override
          public void rejected(String message, Object data) {
            context.about(log.atDebug()).log("namespace refused: {}", message);
            connectError(name, message, data);
          }

          @Override
          public void failed(Exception error) {
            context.about(log.atWarn()).setCause(error).log("connection middleware threw");
            connectError(name, "server error", null);
          }
        });
  }

  private void onAccepted(Namespace namespace, ServerSocket socket, Recovery recovery) {
    endConnect(namespace.name());
    if (!session.isOpen()) {
      return;
    }
    // the socket is reachable before its CONNECT answer is sent, so that a broadcast made once the client has
    // seen the answer reaches it; live deliveries wait until the answer (and, when recovering, the missed events)
    // are out, so that none precedes them
    socket.holdLive();
    socket.markConnected();
    add(socket);
    cancelConnectTimer();
    if (recovery != null) {
      socket.data().putAll(recovery.session().data());
    }
    namespace.add(socket);
    if (recovery != null) {
      namespace.adapter().addAll(socket, recovery.session().rooms());
    }
    ObjectNode answer = server.mapper().createObjectNode().put("sid", socket.id());
    if (socket.pid() != null) {
      answer.put("pid", socket.pid());
    }
    send(server.encoder().encode(SocketPacketType.CONNECT, namespace.name(), SocketPacket.NO_ACK, answer), false);
    if (recovery == null) {
      socket.releaseLive(null);
      socket.logContext().about(log.atDebug()).log("socket connected");
      namespace.fireConnection(socket);
      return;
    }
    // what was emitted between the first read and joining the rooms is neither in it nor delivered live
    List<RecoveryStore.Missed> first = recovery.missed();
    String from = first.isEmpty() ? recovery.offset() : first.get(first.size() - 1).offset();
    server.recovery().missedSince(namespace.name(), from, recovery.session().roomsWithId())
        .whenComplete((more, error) -> executor.execute(() -> {
          if (error != null || more == null) {
            socket.logContext().about(log.atWarn())
                .log("events emitted while the session was being restored could not be read");
          }
          List<RecoveryStore.Missed> missed = new ArrayList<>(first);
          if (error == null && more != null) {
            missed.addAll(more);
          }
          for (RecoveryStore.Missed m : missed) {
            send(server.encoder().encodeEvent(namespace.name(), SocketPacket.NO_ACK, m.event(), m.args()), false);
          }
          socket.releaseLive(missed.isEmpty() ? recovery.offset() : missed.get(missed.size() - 1).offset());
          socket.logContext().about(log.atDebug()).log("socket recovered with {} missed events", missed.size());
          namespace.fireConnection(socket);
        }));
  }

  private void connectError(String namespace, String message, Object data) {
    endConnect(namespace);
    ObjectNode error = server.mapper().createObjectNode().put("message", message == null ? "" : message);
    if (data != null) {
      try {
        error.set("data", server.mapper().valueToTree(data));
      } catch (IllegalArgumentException e) {
        LogContext.about(log.atWarn(), session.id(), namespace)
            .log("connect_error data is not JSON-serializable: {}", e.getMessage());
      }
    }
    send(server.encoder().encode(SocketPacketType.CONNECT_ERROR, namespace, SocketPacket.NO_ACK, error), false);
  }

  private void onConnectTimeout() {
    if (sockets.length == 0 && session.isOpen()) {
      session.close(CloseReason.FORCED_CLOSE, "no namespace joined within connectTimeout "
          + server.options().connectTimeout().toMillis() + " ms");
    }
  }

  private void cancelConnectTimer() {
    ScheduledFuture<?> timer = connectTimer;
    if (timer != null) {
      connectTimer = null;
      timer.cancel(false);
    }
  }

  /** {@code false} when a CONNECT to this namespace is already being handled. */
  private synchronized boolean beginConnect(String namespace) {
    if (connecting == null) {
      connecting = new HashSet<>(2);
    }
    return connecting.add(namespace);
  }

  private synchronized void endConnect(String namespace) {
    if (connecting != null) {
      connecting.remove(namespace);
    }
  }

  // ---- sockets of this connection ----

  /** The connected socket of a namespace; one that is disconnecting no longer counts. */
  private ServerSocket find(String namespace) {
    for (ServerSocket socket : sockets) {
      if (socket.connected() && socket.namespace().name().equals(namespace)) {
        return socket;
      }
    }
    return null;
  }

  private synchronized void add(ServerSocket socket) {
    ServerSocket[] copy = Arrays.copyOf(sockets, sockets.length + 1);
    copy[copy.length - 1] = socket;
    sockets = copy;
  }

  synchronized void remove(ServerSocket socket) {
    ServerSocket[] current = sockets;
    for (int i = 0; i < current.length; i++) {
      if (current[i] == socket) {
        ServerSocket[] copy = new ServerSocket[current.length - 1];
        System.arraycopy(current, 0, copy, 0, i);
        System.arraycopy(current, i + 1, copy, i, current.length - i - 1);
        sockets = copy;
        return;
      }
    }
  }

  /** {@code disconnect(true)}: every socket gets a DISCONNECT, then the connection closes. */
  void disconnectAll() {
    for (ServerSocket socket : sockets) {
      if (socket.markDisconnected()) {
        send(server.encoder().encode(SocketPacketType.DISCONNECT, socket.namespace().name(), SocketPacket.NO_ACK,
            null), false);
        executor.execute(() -> socket.cleanup(DisconnectReason.FORCED_SERVER_CLOSE));
      }
    }
    session.closeAfterFlush(CloseReason.FORCED_CLOSE);
  }
}
