package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Set;

/**
 * A socket as {@code fetchSockets} reports it, from this node or another: the same shape the Node.js adapter
 * exchanges between nodes. Immutable.
 *
 * @param id the socket id
 * @param handshake {@code {headers, time, address, xdomain, secure, issued, url, query, auth}}
 * @param rooms the rooms it is in, its own id included
 * @param data a JSON snapshot of its {@code data}
 */
public record SocketDetails(String id, JsonNode handshake, Set<String> rooms, JsonNode data) {

  public SocketDetails {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(handshake, "handshake");
    rooms = Set.copyOf(rooms);
    Objects.requireNonNull(data, "data");
  }
}
