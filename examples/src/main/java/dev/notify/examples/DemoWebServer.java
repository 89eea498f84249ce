package dev.notify.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The demo's web server (the JDK's {@link HttpServer}, on {@code 127.0.0.1}): the page's static files from the
 * classpath ({@code /demo/}), {@code GET /config} (the nodes' ports), {@code POST /orders} (the order service
 * notifies a user) and {@code GET /socket.io.min.js} (the Socket.IO client bundle, read from
 * {@code interop/node_modules/socket.io-client/dist}; never copied into the repository).
 */
final class DemoWebServer implements AutoCloseable {

  /** What {@code POST /orders} answers: the order number and the notification id. */
  record Shipped(int order, String id) {
  }

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final int MAX_BODY = 4096;
  /** The page's files: request path to classpath resource and content type. Nothing else is served. */
  private static final Map<String, String[]> STATIC = Map.of(
      "/", new String[] {"/demo/index.html", "text/html; charset=utf-8"},
      "/index.html", new String[] {"/demo/index.html", "text/html; charset=utf-8"},
      "/app.js", new String[] {"/demo/app.js", "text/javascript; charset=utf-8"},
      "/style.css", new String[] {"/demo/style.css", "text/css; charset=utf-8"});

  private final HttpServer http;
  private final ExecutorService executor;
  private final Path clientBundle;

  private DemoWebServer(HttpServer http, ExecutorService executor, Path clientBundle) {
    this.http = http;
    this.executor = executor;
    this.clientBundle = clientBundle;
  }

  /** Binds {@code 127.0.0.1:port} (0: a free port); serves nothing before {@link #start}. */
  static DemoWebServer bind(int port, Path interopDir) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
      AtomicInteger threads = new AtomicInteger();
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "demo-web-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      http.setExecutor(executor);
      return new DemoWebServer(http, executor,
          interopDir.resolve("node_modules/socket.io-client/dist/socket.io.min.js").toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts serving; {@code shipOrder} is what {@code POST /orders} calls with the user name, {@code metrics} what
   * {@code GET /metrics} answers (the Prometheus text format).
   */
  void start(List<Integer> nodePorts, Function<String, CompletableFuture<Shipped>> shipOrder,
      Supplier<String> metrics) {
    ObjectNode config = JSON.createObjectNode();
    ArrayNode nodes = config.putArray("nodes");
    for (int i = 0; i < nodePorts.size(); i++) {
      nodes.addObject().put("name", String.valueOf(i + 1)).put("port", nodePorts.get(i));
    }
    byte[] configJson = config.toString().getBytes(StandardCharsets.UTF_8);

    http.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        switch (path) {
          case "/config" -> {
            if (allow(exchange, "GET")) {
              send(exchange, 200, "application/json", configJson);
            }
          }
          case "/orders" -> {
            if (allow(exchange, "POST")) {
              order(exchange, shipOrder);
            }
          }
          case "/metrics" -> {
            if (allow(exchange, "GET")) {
              send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                  metrics.get().getBytes(StandardCharsets.UTF_8));
            }
          }
          case "/socket.io.min.js" -> {
            if (allow(exchange, "GET")) {
              clientBundle(exchange);
            }
          }
          default -> {
            String[] file = STATIC.get(path);
            if (file == null) {
              sendText(exchange, 404, "not found: " + path);
            } else if (allow(exchange, "GET")) {
              send(exchange, 200, file[1], resource(file[0]));
            }
          }
        }
      }
    });
    http.start();
  }

  int port() {
    return http.getAddress().getPort();
  }

  /** Stops at once (no request of the demo is worth waiting for). */
  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "web server on 127.0.0.1:" + port();
  }

  private void order(HttpExchange exchange, Function<String, CompletableFuture<Shipped>> shipOrder)
      throws IOException {
    // JSON only: a cross-origin page cannot send it without a CORS preflight, which this server never allows
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      sendError(exchange, 415, "send JSON: Content-Type: application/json, body {\"user\": \"alice\"}");
      return;
    }
    JsonNode body;
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        sendError(exchange, 413, "body larger than " + MAX_BODY + " bytes");
        return;
      }
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      sendError(exchange, 400, "body is not JSON");
      return;
    }
    String user = body == null ? "" : body.path("user").asText("");
    if (!NotificationDemo.USER.matcher(user).matches()) {
      sendError(exchange, 400, "user must be 1 to 32 letters, digits, '-' or '_'");
      return;
    }
    try {
      Shipped shipped = shipOrder.apply(user).get(10, TimeUnit.SECONDS);
      ObjectNode answer = JSON.createObjectNode().put("order", shipped.order()).put("id", shipped.id())
          .put("user", user);
      send(exchange, 201, "application/json", answer.toString().getBytes(StandardCharsets.UTF_8));
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      sendError(exchange, 503, "the order service could not store the notification: " + cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sendError(exchange, 503, "interrupted");
    }
  }

  private void clientBundle(HttpExchange exchange) throws IOException {
    if (!Files.isRegularFile(clientBundle)) {
      sendText(exchange, 404, "the Socket.IO client is not installed (" + clientBundle + "): run "
          + "`npm ci --prefix interop` in the repository, then reload");
      return;
    }
    send(exchange, 200, "text/javascript; charset=utf-8", Files.readAllBytes(clientBundle));
  }

  private static boolean allow(HttpExchange exchange, String method) throws IOException {
    if (method.equals(exchange.getRequestMethod())
        || (method.equals("GET") && exchange.getRequestMethod().equals("HEAD"))) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", method);
    sendText(exchange, 405, exchange.getRequestMethod() + " not allowed here, only " + method);
    return false;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = DemoWebServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing classpath resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = JSON.createObjectNode().put("error", message).toString().getBytes(StandardCharsets.UTF_8);
    send(exchange, status, "application/json", body);
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
