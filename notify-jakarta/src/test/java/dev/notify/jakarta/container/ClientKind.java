package dev.notify.jakarta.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.socket.client.Ack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The two real clients of the container matrix. Both run the same exchange against a {@link ScenarioServer} and
 * report what they observed as the same JSON object (see {@code interop/clients/containers-exchange.mjs}):
 * {@code initialTransport, c2sAck, uploadAck (hex), startAck, s2c, download (hex), lastAck, finalTransport}.
 */
enum ClientKind {
  /** {@code io.socket:socket.io-client} 2.1.2, in this JVM. */
  JAVA {
    @Override
    JsonNode exchange(String url, String label, ClientMode mode) throws Exception {
      return javaExchange(url, label, mode);
    }

    @Override
    JsonNode traffic(String url, String label, int count) {
      return javaTraffic(url, label, count);
    }
  },
  /** npm {@code socket.io-client} 4.8.4, in Node. */
  NODE {
    @Override
    JsonNode exchange(String url, String label, ClientMode mode) throws Exception {
      return NodeScript.run("containers-exchange.mjs", Duration.ofSeconds(60), url, label, mode.scriptArgument());
    }

    @Override
    JsonNode traffic(String url, String label, int count) throws Exception {
      return NodeScript.run("containers-traffic.mjs", Duration.ofSeconds(60), url, label, Integer.toString(count));
    }
  };

  static final ObjectMapper JSON = new ObjectMapper();

  /** Connects, exchanges events, acks and binary both ways, and reports what the client saw. */
  abstract JsonNode exchange(String url, String label, ClientMode mode) throws Exception;

  /**
   * Connects with default transports and the query {@code traffic=count}; reports {@code received} (the numbers
   * in arrival order), {@code upgradeIndex} (how many had arrived when the upgrade completed),
   * {@code initialTransport} and {@code finalTransport}.
   */
  abstract JsonNode traffic(String url, String label, int count) throws Exception;

  private static JsonNode javaExchange(String url, String label, ClientMode mode) throws Exception {
    ObjectNode observed = JSON.createObjectNode().put("label", label).put("mode", mode.scriptArgument());
    List<String> transports = new CopyOnWriteArrayList<>();
    JavaClients.Connected client = JavaClients.create(url, label, mode, "", Map.of());
    client.socket().io().on(io.socket.client.Manager.EVENT_TRANSPORT,
        args -> transports.add(((io.socket.engineio.client.Transport) args[0]).name));
    CompletableFuture<JsonNode> s2c = new CompletableFuture<>();
    CompletableFuture<JsonNode> download = new CompletableFuture<>();
    client.socket().on("s2c", args -> s2c.complete(json(args)));
    client.socket().on("ask", args -> ((Ack) args[args.length - 1]).call("answer:" + args[0]));
    client.socket().on("download", args -> {
      byte[] a = (byte[]) args[0];
      byte[] b = (byte[]) args[1];
      ((Ack) args[2]).call(b, a); // a binary ack, two attachments, client -> server
      download.complete(json(new Object[] {a, b}));
    });
    try (client) {
      JavaClients.connect(client);
      observed.put("initialTransport", transports.get(0));
      observed.set("c2sAck", json(client.call("c2s", new JSONObject().put("n", 1).put("text", "h\u00e9llo \u2713"))));
      observed.set("uploadAck", json(client.call("upload", new byte[] {1, 2, 3},
          new JSONObject().put("file", new byte[] {(byte) 250, (byte) 251, (byte) 252, (byte) 253}))));
      observed.set("startAck", json(client.call("start")).get(0));
      observed.set("s2c", JavaClients.await(s2c, "s2c event"));
      observed.set("download", JavaClients.await(download, "download event"));
      if (mode == ClientMode.DEFAULT) {
        org.awaitility.Awaitility.await("upgrade to websocket").atMost(JavaClients.DEADLINE)
            .until(() -> "websocket".equals(client.transport().get()));
      }
      observed.set("lastAck", json(client.call("c2s", new JSONObject().put("n", 2))));
      observed.put("finalTransport", client.transport().get());
    }
    return observed;
  }

  private static JsonNode javaTraffic(String url, String label, int count) {
    ObjectNode observed = JSON.createObjectNode().put("label", label).put("upgradeIndex", -1);
    List<Integer> received = new CopyOnWriteArrayList<>();
    List<String> transports = new CopyOnWriteArrayList<>();
    JavaClients.Connected client = JavaClients.create(url, label, ClientMode.DEFAULT, "traffic=" + count,
        Map.of());
    CompletableFuture<Void> end = new CompletableFuture<>();
    // listeners run on the client's single event thread, in arrival order
    client.socket().io().on(io.socket.client.Manager.EVENT_TRANSPORT, args -> {
      String name = ((io.socket.engineio.client.Transport) args[0]).name;
      transports.add(name);
      if (transports.size() > 1) {
        observed.put("upgradeIndex", received.size()).put("upgradedTo", name);
        client.socket().emit("upgraded");
      }
    });
    client.socket().on("n", args -> received.add(((Number) args[0]).intValue()));
    client.socket().on("end", args -> end.complete(null));
    try (client) {
      JavaClients.connect(client);
      try {
        end.get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("no end event: received " + received.size() + ", transports " + transports, e);
      }
      observed.put("initialTransport", transports.get(0));
      observed.put("finalTransport", client.transport().get());
      ArrayNode numbers = observed.putArray("received");
      received.forEach(numbers::add);
    }
    return observed;
  }

  /** Client-side arguments as JSON: objects and arrays as they are, binary as hex. */
  static JsonNode json(Object[] args) {
    ArrayNode array = JSON.createArrayNode();
    for (Object arg : args) {
      array.add(value(arg));
    }
    return array;
  }

  private static JsonNode value(Object arg) {
    try {
      if (arg instanceof byte[] bytes) {
        return JSON.getNodeFactory().textNode(ScenarioServer.hex(bytes));
      }
      if (arg instanceof JSONObject || arg instanceof JSONArray) {
        return JSON.readTree(arg.toString());
      }
      return JSON.valueToTree(arg);
    } catch (Exception e) {
      throw new AssertionError("cannot read " + arg, e);
    }
  }
}
