package dev.notify.redis.testing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.notification.NotificationId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A device for benchmarks: the least a Socket.IO client must do to receive notifications, over the JDK's WebSocket
 * client, so that a throughput figure measures the servers rather than the client library (the official Java
 * client runs every socket's events on one shared thread and parses with org.json). It opens the main namespace
 * with {@code auth} {@code {user, deviceId}}, answers pings, records the id and the latency of each
 * {@code notification:new} (and the ids of each {@code notification:batch}) and acks at once. Not for tests of
 * behaviour: those use the official clients ({@link Device}).
 */
public final class LeanDevice implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .executor(Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "lean-device");
        t.setDaemon(true);
        return t;
      })).build();

  private final Set<String> ids = ConcurrentHashMap.newKeySet();
  private final Queue<Latency> latencies = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private final String auth;
  private final WebSocket ws;
  private CompletableFuture<WebSocket> sending = new CompletableFuture<>();

  private LeanDevice(String user, String deviceId, String url) throws Exception {
    this.auth = JSON.createObjectNode().put("user", user).put("deviceId", deviceId).toString();
    URI uri = URI.create(url.replaceFirst("^http", "ws") + "/socket.io/?EIO=4&transport=websocket");
    this.ws = HTTP.newWebSocketBuilder().buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
  }

  /** Connects and waits up to 10 s for the namespace to accept it. */
  public static LeanDevice connect(String user, String deviceId, String url) {
    try {
      LeanDevice device = new LeanDevice(user, deviceId, url);
      device.connected.get(10, TimeUnit.SECONDS);
      return device;
    } catch (Exception e) {
      throw new IllegalStateException("lean device of " + user + " did not connect to " + url + ": " + e, e);
    }
  }

  /** The ids of every notification received, each once. */
  public Set<String> ids() {
    return ids;
  }

  /** Each {@code notification:new}'s ms from its id's time (its send) to its arrival (wall clock); clears them. */
  public List<Latency> takeLatencies() {
    return Latency.drain(latencies);
  }

  @Override
  public void close() {
    ws.abort();
  }

  /** The JDK's WebSocket takes one text message at a time: each send waits for the one before. */
  private synchronized void send(String text) {
    sending = sending.thenCompose(w -> w.sendText(text, true));
  }

  private void onMessage(String text) throws Exception {
    if (text.startsWith("0")) {
      send("40" + auth);
    } else if (text.equals("2")) {
      send("3");
    } else if (text.startsWith("40")) {
      connected.complete(null);
    } else if (text.startsWith("44")) {
      connected.completeExceptionally(new IllegalStateException("refused: " + text));
    } else if (text.startsWith("42")) {
      int bracket = text.indexOf('[');
      received(text.substring(bracket));
      if (bracket > 2) {
        send("43" + text.substring(2, bracket) + "[\"ok\"]");
      }
    }
  }

  /**
   * Records the ids of an event's notifications with a streaming parse of {@code ["event", payload]}: a device is
   * not what the benchmark measures, and a tree per message and {@code Instant.parse} cost it more CPU than the
   * server spends on the delivery. The latency is taken from the id, a ULID whose first characters are the send time
   * in ms.
   */
  private void received(String event) throws IOException {
    try (JsonParser p = JSON.getFactory().createParser(event)) {
      p.nextToken(); // [
      p.nextToken();
      String name = p.getText();
      if ("notification:new".equals(name)) {
        String id = idOf(p);
        if (id != null) {
          ids.add(id);
          latencies.add(new Latency(id, System.currentTimeMillis() - NotificationId.of(id).timestamp().toEpochMilli()));
        }
      } else if ("notification:batch".equals(name)) {
        p.nextToken(); // {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          if ("notifications".equals(p.currentName()) && p.nextToken() == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              String id = fieldsOf(p);
              if (id != null) {
                ids.add(id);
              }
            }
          } else {
            p.nextToken();
            p.skipChildren();
          }
        }
      }
    }
  }

  /** The id of the object the parser is about to enter. */
  private static String idOf(JsonParser p) throws IOException {
    return p.nextToken() == JsonToken.START_OBJECT ? fieldsOf(p) : null;
  }

  /** Reads the current object to its end; its "id". */
  private static String fieldsOf(JsonParser p) throws IOException {
    String id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isId = "id".equals(p.currentName());
      p.nextToken();
      if (isId) {
        id = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return id;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      sending.complete(webSocket);
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          onMessage(text);
        } catch (Exception e) {
          connected.completeExceptionally(e);
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      connected.completeExceptionally(error);
    }
  }
}
