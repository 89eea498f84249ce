package dev.notify.core.adapter.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.SocketDetails;
import java.util.List;
import java.util.Set;

/**
 * What nodes tell one another, whatever the broker and wire format (the messages of socket.io's cluster adapter):
 * an adapter's codec turns these into bytes and back. {@code uid} is the sender ({@code null} when an emitter left it
 * out); {@code requestId} is {@code null} when no answer is wanted.
 */
public sealed interface ClusterMessage {

  String uid();

  /** An event for the matching sockets; with a request id, each node answers a client count then the acks. */
  record Broadcast(String uid, ArrayNode data, BroadcastOptions opts, String requestId) implements ClusterMessage {
  }

  record SocketsJoin(String uid, BroadcastOptions opts, List<String> rooms) implements ClusterMessage {
  }

  record SocketsLeave(String uid, BroadcastOptions opts, List<String> rooms) implements ClusterMessage {
  }

  record DisconnectSockets(String uid, BroadcastOptions opts, boolean close) implements ClusterMessage {
  }

  record FetchSockets(String uid, String requestId, BroadcastOptions opts) implements ClusterMessage {
  }

  /** {@code data} is {@code [event, ...args]}. */
  record ServerSideEmit(String uid, String requestId, ArrayNode data) implements ClusterMessage {
  }

  /** Classic only: every room of every node. */
  record AllRooms(String uid, String requestId) implements ClusterMessage {
  }

  /** Classic only: the ids of the sockets in some rooms (Node's legacy {@code allSockets}); answered, never sent. */
  record SocketIds(String uid, String requestId, Set<String> rooms) implements ClusterMessage {
  }

  /**
   * Classic only: Node's legacy single-socket {@code remoteJoin}/{@code remoteLeave}/{@code remoteDisconnect};
   * answered, never sent.
   */
  record SingleSocket(String uid, String requestId, Op op, String socketId, String room, boolean close)
      implements ClusterMessage {
    public enum Op { JOIN, LEAVE, DISCONNECT }
  }

  // ---- responses ----

  record FetchSocketsResponse(String uid, String requestId, List<SocketDetails> sockets) implements ClusterMessage {
  }

  /** {@code answer} is the one value the other node answered with ({@code null} for none). */
  record ServerSideEmitResponse(String uid, String requestId, JsonNode answer) implements ClusterMessage {
  }

  record BroadcastClientCount(String uid, String requestId, int clientCount) implements ClusterMessage {
  }

  /** {@code ack} is the first argument of the client's ack, as the Node adapter forwards ({@code null} for none). */
  record BroadcastAck(String uid, String requestId, JsonNode ack) implements ClusterMessage {
  }

  record AllRoomsResponse(String uid, String requestId, Set<String> rooms) implements ClusterMessage {
  }

  record SocketIdsResponse(String uid, String requestId, Set<String> sockets) implements ClusterMessage {
  }

  /** Classic only: the bare {@code {requestId}} answer to a {@link SingleSocket} request. */
  record Done(String uid, String requestId) implements ClusterMessage {
  }
}
