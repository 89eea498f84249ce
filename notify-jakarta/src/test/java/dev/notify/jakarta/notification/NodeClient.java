package dev.notify.jakarta.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The npm {@code socket.io-client} (4.8.4, from {@code interop/}) in a Node process, driven through
 * {@code interop/clients/notification-client.mjs}. It starts disconnected; {@link #connect()} connects it.
 */
final class NodeClient extends NodeProcess {

  private final AtomicInteger tags = new AtomicInteger();
  private final Consumer<String> awaitServerReady;

  private NodeClient(URI uri, String options, Consumer<String> awaitServerReady) {
    super("notification-client.mjs", uri.toString(), options);
    this.awaitServerReady = awaitServerReady;
  }

  /**
   * A client of {@code uri}; {@code options} go to {@code io(url, options)} (plus {@code autoAck});
   * {@code awaitServerReady} waits until the server's connection handlers ran for a socket id.
   */
  static NodeClient start(URI uri, Map<String, Object> options, Consumer<String> awaitServerReady) {
    try {
      return new NodeClient(uri, Device.JSON.writeValueAsString(options), awaitServerReady);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("options are not JSON: " + options, e);
    }
  }

  /**
   * Connects and waits for the {@code connect} line, {@code {type, id, recovered}}, then for the server's
   * connection handlers to have run.
   */
  JsonNode connect() {
    send(Map.of("cmd", "connect"));
    JsonNode connected = await("connect");
    awaitServerReady.accept(connected.path("id").asText());
    return connected;
  }

  /** Closes the transport as a network cut would ({@code socket.io.engine.close()}); waits for the disconnect. */
  JsonNode drop() {
    send(Map.of("cmd", "drop"));
    return await("disconnect");
  }

  /** Emits and waits for the ack: {@code {type, tag, error, args}}. */
  JsonNode request(String event, Object... args) {
    String tag = "t" + tags.incrementAndGet();
    send(Map.of("cmd", "emit", "event", event, "args", List.of(args), "ack", tag));
    return await("ack " + tag, line -> "ack".equals(line.path("type").asText()) && tag.equals(line.path("tag").asText()));
  }

  /** Waits for the next received event named {@code name}: {@code {type, name, args, ackRequested}}. */
  JsonNode awaitEvent(String name) {
    return await("event '" + name + "'", line -> "event".equals(line.path("type").asText())
        && name.equals(line.path("name").asText()));
  }

  /** Every event received so far named {@code name}, in order. */
  List<JsonNode> events(String name) {
    return lines().stream().filter(line -> "event".equals(line.path("type").asText())
        && name.equals(line.path("name").asText())).toList();
  }
}
