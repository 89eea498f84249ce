package dev.notify.redis.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * Official Java clients for the Admin UI tests, each recording what it receives as {@code "<event> <args JSON>"}
 * lines (and {@code "disconnect <reason>"}); closes them all, then what the test handed it, last first.
 */
final class AdminClients implements AutoCloseable {

  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Closes {@code closeable} after the clients, in the reverse order of these calls. */
  <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** A socket of {@code nsp} with {@code auth}; {@code outcome} completes with "connected" or "error: message". */
  Socket connect(String url, String nsp, Map<String, String> auth, List<String> events,
      CompletableFuture<String> outcome) {
    IO.Options options = new IO.Options();
    options.transports = new String[] {WebSocket.NAME};
    options.forceNew = true;
    options.reconnection = false;
    options.auth = auth;
    Socket socket = IO.socket(URI.create(url + nsp), options);
    socket.onAnyIncoming(args -> events.add(args[0] + " " + new JSONArray(List.of(args).subList(1, args.length))));
    socket.on(Socket.EVENT_CONNECT, a -> outcome.complete("connected"));
    socket.on(Socket.EVENT_CONNECT_ERROR, a -> outcome.complete("error: " + ((JSONObject) a[0]).optString("message")));
    socket.on(Socket.EVENT_DISCONNECT, a -> events.add("disconnect " + a[0]));
    socket.connect();
    sockets.add(socket);
    return socket;
  }

  /** A connected socket of the main namespace that joined {@code rooms} (comma separated). */
  Socket client(String url, String rooms, List<String> events) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Socket socket = connect(url, "/", Map.of("rooms", rooms), events, outcome);
    assertThat(outcome.get(10, TimeUnit.SECONDS)).as("connecting to " + url).isEqualTo("connected");
    return socket;
  }

  /** The lines of {@code events} for {@code name}. */
  static List<String> named(List<String> events, String name) {
    return events.stream().filter(e -> e.startsWith(name + " ")).toList();
  }

  /** The arguments of such a line. */
  static JSONArray args(String line) {
    return new JSONArray(line.substring(line.indexOf(' ') + 1));
  }

  @Override
  public void close() throws Exception {
    new ArrayList<>(sockets).forEach(Socket::close);
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }
}
