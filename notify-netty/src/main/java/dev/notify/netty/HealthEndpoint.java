package dev.notify.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * The health endpoint: {@code <path>} and {@code <path>/ready} answer 200 when every server is ready,
 * {@code <path>/live} when every server is live, 503 otherwise; the body is the {@link ServerHealth#toJson() JSON}
 * of the server (keyed by path when there are several). Health checks must not block, so it answers on the event
 * loop. Immutable.
 */
final class HealthEndpoint {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String path;
  private final List<NotifyServer> servers;

  HealthEndpoint(String path, List<NotifyServer> servers) {
    this.path = path;
    this.servers = List.copyOf(servers);
  }

  /** Whether {@code requestPath} is this endpoint's. */
  boolean matches(String requestPath) {
    return requestPath.equals(path) || requestPath.startsWith(path + "/");
  }

  void answer(ChannelHandlerContext ctx, HttpRequest request, String requestPath) {
    Predicate<ServerHealth> ok;
    if (requestPath.equals(path) || requestPath.equals(path + "/ready")) {
      ok = ServerHealth::ready;
    } else if (requestPath.equals(path + "/live")) {
      ok = ServerHealth::live;
    } else {
      Responses.send(ctx, request, 404, "text/plain; charset=UTF-8", "not found".getBytes(StandardCharsets.US_ASCII),
          new DefaultHttpHeaders(), false);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (!head && !HttpMethod.GET.equals(request.method())) {
      Responses.send(ctx, request, 405, "text/plain; charset=UTF-8", new byte[0],
          new DefaultHttpHeaders().set("Allow", "GET, HEAD"), false);
      return;
    }
    boolean all = true;
    String body;
    if (servers.size() == 1) {
      ServerHealth health = servers.get(0).health();
      all = ok.test(health);
      body = health.toJson();
    } else {
      ObjectNode byPath = JSON.createObjectNode();
      for (NotifyServer server : servers) {
        ServerHealth health = server.health();
        all &= ok.test(health);
        byPath.set(server.options().engine().path(), parse(health.toJson()));
      }
      body = byPath.toString();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Responses.send(ctx, request, all ? 200 : 503, "application/json", head ? new byte[0] : bytes,
        new DefaultHttpHeaders().set("Cache-Control", "no-store"), false);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a server's health is not JSON: " + json, e);
    }
  }
}
