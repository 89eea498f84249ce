package dev.notify.jakarta;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The health endpoint of the standalone server: {@code <path>} and {@code <path>/ready} answer 200 when every
 * server is ready, {@code <path>/live} when every server is live, 503 otherwise; the body is the
 * {@link ServerHealth#toJson() JSON} of the server (keyed by path when there are several).
 */
final class GrizzlyHealth extends HttpHandler {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String path;
  private final List<NotifyServer> servers;

  GrizzlyHealth(String path, List<NotifyServer> servers) {
    this.path = path;
    this.servers = List.copyOf(servers);
  }

  @Override
  public void service(Request request, Response response) throws IOException {
    String uri = request.getRequestURI();
    Predicate<ServerHealth> ok;
    if (uri.equals(path) || uri.equals(path + "/ready")) {
      ok = ServerHealth::ready;
    } else if (uri.equals(path + "/live")) {
      ok = ServerHealth::live;
    } else {
      response.sendError(404);
      return;
    }
    if (request.getMethod() != Method.GET && request.getMethod() != Method.HEAD) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(405);
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
        byPath.set(server.options().engine().path(), JSON.readTree(health.toJson()));
      }
      body = JSON.writeValueAsString(byPath);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(all ? 200 : 503);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(bytes.length);
    if (request.getMethod() == Method.GET) {
      response.getOutputStream().write(bytes);
    }
  }
}
