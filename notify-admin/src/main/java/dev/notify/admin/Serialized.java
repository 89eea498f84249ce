package dev.notify.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.server.Handshake;
import dev.notify.core.server.RemoteSocket;
import dev.notify.core.server.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sockets as the UI reads them ({@code SerializedSocket} of {@code @socket.io/admin-ui}): id, client id, transport,
 * namespace, data without the UI's own {@code _admin} entry, the handshake without {@code auth} (it holds tokens),
 * rooms. The client id and transport travel in {@code data._admin}, as Node's instrumentation keeps them, so sockets
 * of other nodes, Java or Node, show them too.
 */
final class Serialized {

  static final String ADMIN_KEY = "_admin";

  private final ObjectMapper mapper;

  Serialized(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  ObjectNode socket(Socket socket, String nsp) {
    JsonNode data;
    try {
      data = mapper.valueToTree(socket.data());
    } catch (IllegalArgumentException e) {
      // the application keeps objects Jackson cannot write: the UI shows the admin entry alone
      data = mapper.createObjectNode().set(ADMIN_KEY, mapper.valueToTree(socket.data().get(ADMIN_KEY)));
    }
    return socket(socket.id(), nsp, socket.handshake(), socket.rooms(), data);
  }

  ObjectNode socket(RemoteSocket socket, String nsp) {
    return socket(socket.id(), nsp, socket.handshake(), socket.rooms(), socket.data());
  }

  private ObjectNode socket(String id, String nsp, Handshake handshake, Set<String> rooms, JsonNode data) {
    ObjectNode json = mapper.createObjectNode();
    json.put("id", id);
    JsonNode admin = data == null ? null : data.get(ADMIN_KEY);
    json.put("clientId", admin == null ? null : admin.path("clientId").asText(null));
    json.put("transport", admin == null ? null : admin.path("transport").asText(null));
    json.put("nsp", nsp);
    ObjectNode shown = data != null && data.isObject() ? ((ObjectNode) data).deepCopy() : mapper.createObjectNode();
    shown.remove(ADMIN_KEY);
    json.set("data", shown);
    json.set("handshake", handshake(handshake));
    rooms.forEach(json.putArray("rooms")::add);
    return json;
  }

  private ObjectNode handshake(Handshake handshake) {
    ObjectNode json = mapper.createObjectNode();
    String forwarded = handshake.header("cf-connecting-ip") != null ? handshake.header("cf-connecting-ip")
        : handshake.header("x-forwarded-for");
    json.put("address", forwarded != null ? forwarded : handshake.address());
    ObjectNode headers = json.putObject("headers");
    handshake.headers().forEach((name, values) -> headers.put(name, String.join(", ", values)));
    ObjectNode query = json.putObject("query");
    handshake.query().forEach(query::put);
    json.put("issued", handshake.issued());
    json.put("secure", handshake.secure());
    json.put("time", handshake.time());
    json.put("url", handshake.url());
    json.put("xdomain", handshake.xdomain());
    return json;
  }

  /** {@code [event, ...args]}, as the UI shows an event. */
  static List<Object> event(String event, List<?> args) {
    List<Object> all = new ArrayList<>(args.size() + 1);
    all.add(event);
    all.addAll(args);
    return all;
  }

  /** The UI's entry in a socket's data: client id (shortened: it is a polling credential) and transport. */
  static Map<String, Object> adminData(Socket socket) {
    String clientId = socket.clientId();
    return Map.of("clientId", clientId.substring(0, Math.min(12, clientId.length())), "transport",
        socket.transport());
  }
}
