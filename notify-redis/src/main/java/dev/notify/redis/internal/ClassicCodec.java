package dev.notify.redis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.BroadcastOptions;
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
import dev.notify.core.adapter.cluster.ClusterMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.msgpack.core.MessagePackException;

/**
 * The wire format of Node's {@code @socket.io/redis-adapter} 8.x classic mode and {@code @socket.io/redis-emitter}
 * 5.x, for one namespace:
 *
 * <ul>
 *   <li>broadcast without ack: msgpack {@code [uid, {type: 2, data: [event, ...args], nsp}, {rooms, except, flags}]}
 *   <li>requests: JSON {@code {uid, requestId, type, ...}}, types SOCKETS 0, ALL_ROOMS 1, REMOTE_JOIN 2,
 *       REMOTE_LEAVE 3, REMOTE_DISCONNECT 4, REMOTE_FETCH 5, SERVER_SIDE_EMIT 6; BROADCAST 7 (with ack) in msgpack
 *   <li>responses: JSON {@code {requestId, ...}} without type (the requester knows what it asked), except
 *       BROADCAST_CLIENT_COUNT 8 and SERVER_SIDE_EMIT 6 (typed) and BROADCAST_ACK 9 (msgpack)
 * </ul>
 *
 * Decoding reads maps by key (the adapter and the emitter order them differently) and accepts JSON or msgpack
 * anywhere, by the first byte. Stateless apart from the namespace; thread-safe.
 */
public final class ClassicCodec {

  static final int SOCKETS = 0;
  static final int ALL_ROOMS = 1;
  static final int REMOTE_JOIN = 2;
  static final int REMOTE_LEAVE = 3;
  static final int REMOTE_DISCONNECT = 4;
  static final int REMOTE_FETCH = 5;
  static final int SERVER_SIDE_EMIT = 6;
  static final int BROADCAST = 7;
  static final int BROADCAST_CLIENT_COUNT = 8;
  static final int BROADCAST_ACK = 9;
  /** Socket.IO packet types an adapter may broadcast: EVENT and BINARY_EVENT. */
  private static final int EVENT = 2;
  private static final int BINARY_EVENT = 5;

  private final String nsp;

  public ClassicCodec(String nsp) {
    this.nsp = nsp;
  }

  // ---- encoding ----

  /** A broadcast without ack, for the namespace or room channel. */
  public byte[] encodeBroadcast(String uid, ArrayNode data, BroadcastOptions opts) {
    ArrayNode message = Payloads.NODES.arrayNode(3);
    message.add(uid);
    message.add(packet(data));
    message.add(Payloads.options(opts, true));
    return Payloads.msgpack(message);
  }

  /** A message for the request channel. */
  public byte[] encodeRequest(ClusterMessage m) {
    ObjectNode o = Payloads.NODES.objectNode();
    if (m.uid() != null) {
      o.put("uid", m.uid());
    }
    if (m instanceof Broadcast b) {
      o.put("requestId", b.requestId());
      o.put("type", BROADCAST);
      o.set("packet", packet(b.data()));
      o.set("opts", Payloads.options(b.opts(), true));
      return Payloads.msgpack(o);
    } else if (m instanceof SocketsJoin j) {
      o.put("type", REMOTE_JOIN);
      o.set("opts", Payloads.options(j.opts(), false));
      o.set("rooms", Payloads.stringArray(j.rooms()));
    } else if (m instanceof SocketsLeave l) {
      o.put("type", REMOTE_LEAVE);
      o.set("opts", Payloads.options(l.opts(), false));
      o.set("rooms", Payloads.stringArray(l.rooms()));
    } else if (m instanceof DisconnectSockets d) {
      o.put("type", REMOTE_DISCONNECT);
      o.set("opts", Payloads.options(d.opts(), false));
      o.put("close", d.close());
    } else if (m instanceof FetchSockets f) {
      o.put("requestId", f.requestId());
      o.put("type", REMOTE_FETCH);
      o.set("opts", Payloads.options(f.opts(), false));
    } else if (m instanceof ServerSideEmit s) {
      if (s.requestId() != null) {
        o.put("requestId", s.requestId());
      }
      o.put("type", SERVER_SIDE_EMIT);
      o.set("data", s.data());
    } else if (m instanceof AllRooms a) {
      o.put("requestId", a.requestId());
      o.put("type", ALL_ROOMS);
    } else {
      throw new IllegalArgumentException("not a classic request: " + m.getClass().getSimpleName());
    }
    return Payloads.json(o);
  }

  /** A message for the response channel. */
  public byte[] encodeResponse(ClusterMessage m) {
    ObjectNode o = Payloads.NODES.objectNode();
    if (m instanceof FetchSocketsResponse f) {
      o.put("requestId", f.requestId());
      o.set("sockets", Payloads.sockets(f.sockets()));
    } else if (m instanceof ServerSideEmitResponse s) {
      o.put("type", SERVER_SIDE_EMIT);
      o.put("requestId", s.requestId());
      if (s.answer() != null) {
        o.set("data", s.answer());
      }
    } else if (m instanceof BroadcastClientCount c) {
      o.put("type", BROADCAST_CLIENT_COUNT);
      o.put("requestId", c.requestId());
      o.put("clientCount", c.clientCount());
    } else if (m instanceof BroadcastAck a) {
      o.put("type", BROADCAST_ACK);
      o.put("requestId", a.requestId());
      if (a.ack() != null) {
        o.set("packet", a.ack());
      }
      return Payloads.msgpack(o);
    } else if (m instanceof AllRoomsResponse r) {
      o.put("requestId", r.requestId());
      o.set("rooms", Payloads.stringArray(r.rooms()));
    } else if (m instanceof SocketIdsResponse r) {
      o.put("requestId", r.requestId());
      o.set("sockets", Payloads.stringArray(r.sockets()));
    } else if (m instanceof Done d) {
      o.put("requestId", d.requestId());
    } else {
      throw new IllegalArgumentException("not a classic response: " + m.getClass().getSimpleName());
    }
    return Payloads.json(o);
  }

  private ObjectNode packet(ArrayNode data) {
    ObjectNode packet = Payloads.NODES.objectNode();
    packet.put("type", EVENT);
    packet.set("data", data);
    packet.put("nsp", nsp);
    return packet;
  }

  // ---- decoding ----

  /**
   * The first bytes of every broadcast {@link #encodeBroadcast} writes for this uid: the header of the three-element
   * array and the uid. A node receives its own broadcasts back from Redis; this recognizes them without decoding.
   */
  public static byte[] broadcastPrefix(String uid) {
    byte[] uidOnly = Payloads.msgpack(Payloads.NODES.arrayNode(1).add(uid));
    uidOnly[0] = (byte) 0x93; // fixarray of 3 instead of 1: what follows the uid is not compared
    return uidOnly;
  }

  /** Whether {@code payload} starts with {@code prefix}. */
  public static boolean startsWith(byte[] payload, byte[] prefix) {
    return payload.length >= prefix.length
        && Arrays.equals(payload, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** A message of a broadcast channel; {@code null} when it is for another namespace. */
  public Broadcast decodeBroadcast(byte[] payload) throws MalformedMessageException {
    JsonNode message = read(payload);
    if (!message.isArray() || message.size() < 3) {
      throw new MalformedMessageException("bad-broadcast", "broadcast is not [uid, packet, opts]");
    }
    JsonNode uid = message.get(0);
    ArrayNode data = eventData(message.get(1));
    if (data == null) {
      return null;
    }
    return new Broadcast(uid.isTextual() ? uid.textValue() : null, data, Payloads.readOptions(message.get(2)), null);
  }

  /** A message of the request channel; {@code null} when it is for another namespace. */
  public ClusterMessage decodeRequest(byte[] payload) throws MalformedMessageException {
    JsonNode r = read(payload);
    if (!r.isObject() || !r.path("type").isInt()) {
      throw new MalformedMessageException("bad-request", "request is not an object with a numeric type");
    }
    String uid = Payloads.text(r, "uid");
    String requestId = Payloads.text(r, "requestId");
    int type = r.get("type").intValue();
    return switch (type) {
      case SOCKETS -> new SocketIds(uid, required(requestId, type), Payloads.strings(r.get("rooms"), "rooms"));
      case ALL_ROOMS -> new AllRooms(uid, required(requestId, type));
      case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> membership(r, uid, requestId, type);
      case REMOTE_FETCH -> new FetchSockets(uid, required(requestId, type), Payloads.readOptions(r.get("opts")));
      case SERVER_SIDE_EMIT -> {
        JsonNode data = r.get("data");
        if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
          throw new MalformedMessageException("bad-server-side-emit", "serverSideEmit data is not [event, ...]");
        }
        yield new ServerSideEmit(uid, requestId, (ArrayNode) data);
      }
      case BROADCAST -> {
        ArrayNode data = eventData(r.get("packet"));
        yield data == null ? null
            : new Broadcast(uid, data, Payloads.readOptions(r.get("opts")), required(requestId, type));
      }
      default -> throw new MalformedMessageException("unknown-request-type", "unknown request type " + type);
    };
  }

  private static ClusterMessage membership(JsonNode r, String uid, String requestId, int type)
      throws MalformedMessageException {
    if (r.hasNonNull("opts")) {
      BroadcastOptions opts = Payloads.readOptions(r.get("opts"));
      return switch (type) {
        case REMOTE_JOIN -> new SocketsJoin(uid, opts, List.copyOf(Payloads.strings(r.get("rooms"), "rooms")));
        case REMOTE_LEAVE -> new SocketsLeave(uid, opts, List.copyOf(Payloads.strings(r.get("rooms"), "rooms")));
        default -> new DisconnectSockets(uid, opts, r.path("close").asBoolean(false));
      };
    }
    String sid = Payloads.text(r, "sid");
    if (sid == null) {
      throw new MalformedMessageException("bad-request", "request type " + type + " has neither opts nor sid");
    }
    SingleSocket.Op op = type == REMOTE_JOIN ? SingleSocket.Op.JOIN
        : type == REMOTE_LEAVE ? SingleSocket.Op.LEAVE : SingleSocket.Op.DISCONNECT;
    return new SingleSocket(uid, requestId, op, sid, Payloads.text(r, "room"), r.path("close").asBoolean(false));
  }

  /**
   * A message of a response channel, given what this node asked under each request id; {@code null} when it
   * answers nothing this node is waiting for.
   *
   * @param pending the kind of the pending request with that id, or {@code null}
   */
  public ClusterMessage decodeResponse(byte[] payload, Function<String, Class<? extends ClusterMessage>> pending)
      throws MalformedMessageException {
    JsonNode r = read(payload);
    if (!r.isObject()) {
      throw new MalformedMessageException("bad-response", "response is not an object");
    }
    String requestId = Payloads.text(r, "requestId");
    if (requestId == null) {
      throw new MalformedMessageException("bad-response", "response has no requestId");
    }
    int type = r.path("type").asInt(-1);
    if (type == BROADCAST_CLIENT_COUNT) {
      return new BroadcastClientCount(null, requestId, r.path("clientCount").asInt(0));
    }
    if (type == BROADCAST_ACK) {
      return new BroadcastAck(null, requestId, r.get("packet"));
    }
    Class<? extends ClusterMessage> kind = pending.apply(requestId);
    if (kind == null) {
      return null;
    }
    if (kind == FetchSockets.class) {
      return new FetchSocketsResponse(null, requestId, Payloads.readSockets(r.get("sockets")));
    }
    if (kind == ServerSideEmit.class) {
      return new ServerSideEmitResponse(null, requestId, r.get("data"));
    }
    if (kind == AllRooms.class) {
      return new AllRoomsResponse(null, requestId, Payloads.strings(r.get("rooms"), "rooms"));
    }
    return null;
  }

  /** The {@code [event, ...args]} of a packet; {@code null} when it is for another namespace. */
  private ArrayNode eventData(JsonNode packet) throws MalformedMessageException {
    if (packet == null || !packet.isObject()) {
      throw new MalformedMessageException("bad-packet", "packet is not an object");
    }
    String packetNsp = packet.hasNonNull("nsp") ? packet.get("nsp").asText() : "/";
    if (!packetNsp.equals(nsp)) {
      return null;
    }
    int type = packet.path("type").asInt(-1);
    if (type != EVENT && type != BINARY_EVENT) {
      throw new MalformedMessageException("unsupported-packet-type", "packet type " + type
          + " cannot be broadcast (only EVENT 2 and BINARY_EVENT 5)");
    }
    JsonNode data = packet.get("data");
    if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
      throw new MalformedMessageException("bad-packet", "packet data is not [event, ...args]");
    }
    return (ArrayNode) data;
  }

  private static String required(String requestId, int type) throws MalformedMessageException {
    if (requestId == null) {
      throw new MalformedMessageException("bad-request", "request type " + type + " has no requestId");
    }
    return requestId;
  }

  static JsonNode read(byte[] payload) throws MalformedMessageException {
    try {
      JsonNode node = Payloads.read(payload);
      if (node == null) {
        throw new MalformedMessageException("empty", "empty message");
      }
      return node;
    } catch (IOException e) {
      throw new MalformedMessageException("undecodable", "neither JSON nor msgpack: " + e.getMessage(), e);
    } catch (MessagePackException e) {
      // msgpack-core's own unchecked exceptions: truncated input, a reserved format byte, a length past the end
      throw new MalformedMessageException("undecodable", "bad msgpack: " + e, e);
    }
  }
}
