package dev.notify.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.adapter.SocketDetails;
import java.util.Set;

/**
 * A socket as {@code fetchSockets} returns it, connected to this node or another: a snapshot of its id,
 * handshake, rooms and data, and the operations that work across the cluster. Immutable; thread-safe.
 */
public final class RemoteSocket {

  private final Namespace namespace;
  private final String id;
  private final Handshake handshake;
  private final Set<String> rooms;
  private final JsonNode data;

  RemoteSocket(Namespace namespace, SocketDetails details) {
    this.namespace = namespace;
    this.id = details.id();
    this.handshake = Handshake.fromJson(details.handshake());
    this.rooms = details.rooms();
    this.data = details.data();
  }

  public String id() {
    return id;
  }

  public Handshake handshake() {
    return handshake;
  }

  /** The rooms it was in when fetched, its own id included. */
  public Set<String> rooms() {
    return rooms;
  }

  /** A JSON snapshot of its {@code data}. */
  public JsonNode data() {
    return data;
  }

  /** Sends it an event, wherever it is connected. */
  public void emit(String event, Object... args) {
    namespace.to(id).emit(event, args);
  }

  /** Makes it join rooms. */
  public void join(String... rooms) {
    namespace.in(id).socketsJoin(rooms);
  }

  /** Makes it leave rooms. */
  public void leave(String... rooms) {
    namespace.in(id).socketsLeave(rooms);
  }

  /** Disconnects it; {@code close} also closes its connection. */
  public void disconnect(boolean close) {
    namespace.in(id).disconnectSockets(close);
  }

  @Override
  public String toString() {
    return "RemoteSocket{id=" + id + ", rooms=" + rooms + '}';
  }
}
