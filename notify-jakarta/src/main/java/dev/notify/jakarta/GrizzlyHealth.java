package dev.notify.jakarta;

import dev.notify.core.internal.HealthResponses;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** The health endpoint of the standalone server: the answers of {@link HealthResponses} on Grizzly. */
final class GrizzlyHealth extends HttpHandler {

  private final HealthResponses responses;

  GrizzlyHealth(String path, List<NotifyServer> servers) {
    this.responses = new HealthResponses(path, servers);
  }

  @Override
  public void service(Request request, Response response) throws IOException {
    Predicate<ServerHealth> ok = responses.probe(request.getRequestURI());
    if (ok == null) {
      response.sendError(404);
      return;
    }
    if (request.getMethod() != Method.GET && request.getMethod() != Method.HEAD) {
      response.setHeader("Allow", "GET, HEAD");
      response.sendError(405);
      return;
    }
    HealthResponses.Answer answer = responses.answer(ok);
    response.setStatus(answer.status());
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(answer.json().length);
    if (request.getMethod() == Method.GET) {
      response.getOutputStream().write(answer.json());
    }
  }
}
