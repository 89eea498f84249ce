package dev.notify.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.notify.core.adapter.cluster.ClusterMessage.DisconnectSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketsJoin;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketsLeave;
import dev.notify.core.adapter.cluster.ClusterMessage;
import java.util.List;

/**
 * The message schema of socket.io-adapter's {@code ClusterAdapter}, which Node's sharded Redis adapter
 * ({@code createShardedAdapter}) publishes: {@code {uid, nsp, type, data}}, JSON unless it carries binary (then
 * msgpack). Types: BROADCAST 3 {@code {packet, opts, requestId?}}, SOCKETS_JOIN 4, SOCKETS_LEAVE 5,
 * DISCONNECT_SOCKETS 6, FETCH_SOCKETS 7, FETCH_SOCKETS_RESPONSE 8, SERVER_SIDE_EMIT 9, SERVER_SIDE_EMIT_RESPONSE
 * 10, BROADCAST_CLIENT_COUNT 11, BROADCAST_ACK 12; the heartbeat types 1, 2 and 13 of heartbeat-based adapters are
 * ignored. Thread-safe.
 */
public final class ShardedCodec {

  static final int INITIAL_HEARTBEAT = 1;
  static final int HEARTBEAT = 2;
  static final int BROADCAST = 3;
  static final int SOCKETS_JOIN = 4;
  static final int SOCKETS_LEAVE = 5;
  static final int DISCONNECT_SOCKETS = 6;
  static final int FETCH_SOCKETS = 7;
  static final int FETCH_SOCKETS_RESPONSE = 8;
  static final int SERVER_SIDE_EMIT = 9;
  static final int SERVER_SIDE_EMIT_RESPONSE = 10;
  static final int BROADCAST_CLIENT_COUNT = 11;
  static final int BROADCAST_ACK = 12;
  static final int ADAPTER_CLOSE = 13;

  private final String nsp;

  public ShardedCodec(String nsp) {
    this.nsp = nsp;
  }

  public byte[] encode(ClusterMessage m) {
    ObjectNode data = Payloads.NODES.objectNode();
    int type;
    if (m instanceof Broadcast b) {
      type = BROADCAST;
      ObjectNode packet = data.putObject("packet");
      packet.put("type", 2);
      packet.set("data", b.data());
      data.set("opts", Payloads.options(b.opts(), true));
      if (b.requestId() != null) {
        data.put("requestId", b.requestId());
      }
    } else if (m instanceof SocketsJoin j) {
      type = SOCKETS_JOIN;
      data.set("opts", Payloads.options(j.opts(), true));
      data.set("rooms", Payloads.stringArray(j.rooms()));
    } else if (m instanceof SocketsLeave l) {
      type = SOCKETS_LEAVE;
      data.set("opts", Payloads.options(l.opts(), true));
      data.set("rooms", Payloads.stringArray(l.rooms()));
    } else if (m instanceof DisconnectSockets d) {
      type = DISCONNECT_SOCKETS;
      data.set("opts", Payloads.options(d.opts(), true));
      data.put("close", d.close());
    } else if (m instanceof FetchSockets f) {
      type = FETCH_SOCKETS;
      data.set("opts", Payloads.options(f.opts(), true));
      data.put("requestId", f.requestId());
    } else if (m instanceof FetchSocketsResponse f) {
      type = FETCH_SOCKETS_RESPONSE;
      data.put("requestId", f.requestId());
      data.set("sockets", Payloads.sockets(f.sockets()));
    } else if (m instanceof ServerSideEmit s) {
      type = SERVER_SIDE_EMIT;
      if (s.requestId() != null) {
        data.put("requestId", s.requestId());
      }
      data.set("packet", s.data());
    } else if (m instanceof ServerSideEmitResponse s) {
      type = SERVER_SIDE_EMIT_RESPONSE;
      data.put("requestId", s.requestId());
      if (s.answer() != null) {
        data.set("packet", s.answer());
      }
    } else if (m instanceof BroadcastClientCount c) {
      type = BROADCAST_CLIENT_COUNT;
      data.put("requestId", c.requestId());
      data.put("clientCount", c.clientCount());
    } else if (m instanceof BroadcastAck a) {
      type = BROADCAST_ACK;
      data.put("requestId", a.requestId());
      if (a.ack() != null) {
        data.set("packet", a.ack());
      }
    } else {
      throw new IllegalArgumentException("no sharded form for " + m.getClass().getSimpleName());
    }
    ObjectNode message = Payloads.NODES.objectNode();
    message.put("type", type);
    message.set("data", data);
    if (m.uid() != null) {
      message.put("uid", m.uid());
    }
    message.put("nsp", nsp);
    return Payloads.hasBinary(data) ? Payloads.msgpack(message) : Payloads.json(message);
  }

  /** A message of one of our channels; {@code null} for another namespace or a heartbeat. */
  public ClusterMessage decode(byte[] payload) throws MalformedMessageException {
    JsonNode m = ClassicCodec.read(payload);
    if (!m.isObject() || !m.path("type").isInt()) {
      throw new MalformedMessageException("bad-message", "message is not an object with a numeric type");
    }
    String messageNsp = m.hasNonNull("nsp") ? m.get("nsp").asText() : "/";
    if (!messageNsp.equals(nsp)) {
      return null;
    }
    String uid = Payloads.text(m, "uid");
    int type = m.get("type").intValue();
    JsonNode data = m.path("data");
    String requestId = Payloads.text(data, "requestId");
    switch (type) {
      case INITIAL_HEARTBEAT, HEARTBEAT, ADAPTER_CLOSE:
        return null;
      case BROADCAST: {
        JsonNode packet = data.path("packet");
        int packetType = packet.path("type").asInt(-1);
        if (packetType != 2 && packetType != 5) {
          throw new MalformedMessageException("unsupported-packet-type", "packet type " + packetType
              + " cannot be broadcast (only EVENT 2 and BINARY_EVENT 5)");
        }
        return new Broadcast(uid, eventArray(packet.get("data"), "bad-packet"), Payloads.readOptions(data.get("opts")),
            requestId);
      }
      case SOCKETS_JOIN:
        return new SocketsJoin(uid, Payloads.readOptions(data.get("opts")),
            List.copyOf(Payloads.strings(data.get("rooms"), "rooms")));
      case SOCKETS_LEAVE:
        return new SocketsLeave(uid, Payloads.readOptions(data.get("opts")),
            List.copyOf(Payloads.strings(data.get("rooms"), "rooms")));
      case DISCONNECT_SOCKETS:
        return new DisconnectSockets(uid, Payloads.readOptions(data.get("opts")), data.path("close").asBoolean());
      case FETCH_SOCKETS:
        return new FetchSockets(uid, required(requestId, type), Payloads.readOptions(data.get("opts")));
      case FETCH_SOCKETS_RESPONSE:
        return new FetchSocketsResponse(uid, required(requestId, type), Payloads.readSockets(data.get("sockets")));
      case SERVER_SIDE_EMIT:
        return new ServerSideEmit(uid, requestId, eventArray(data.get("packet"), "bad-server-side-emit"));
      case SERVER_SIDE_EMIT_RESPONSE:
        return new ServerSideEmitResponse(uid, required(requestId, type), data.get("packet"));
      case BROADCAST_CLIENT_COUNT:
        return new BroadcastClientCount(uid, required(requestId, type), data.path("clientCount").asInt(0));
      case BROADCAST_ACK:
        return new BroadcastAck(uid, required(requestId, type), data.get("packet"));
      default:
        throw new MalformedMessageException("unknown-message-type", "unknown message type " + type);
    }
  }

  private static ArrayNode eventArray(JsonNode data, String kind) throws MalformedMessageException {
    if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
      throw new MalformedMessageException(kind, "data is not [event, ...args]");
    }
    return (ArrayNode) data;
  }

  private static String required(String requestId, int type) throws MalformedMessageException {
    if (requestId == null) {
      throw new MalformedMessageException("bad-message", "message type " + type + " has no requestId");
    }
    return requestId;
  }
}
