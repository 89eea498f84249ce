package dev.notify.netty;

import dev.notify.core.internal.HealthResponses;
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
 * The health endpoint on Netty: the answers of {@link HealthResponses}, written to the channel. Health checks must
 * not block, so it answers on the event loop. Immutable.
 */
final class HealthEndpoint {

  private final HealthResponses responses;

  HealthEndpoint(String path, List<NotifyServer> servers) {
    this.responses = new HealthResponses(path, servers);
  }

  /** Whether {@code requestPath} is this endpoint's. */
  boolean matches(String requestPath) {
    return responses.matches(requestPath);
  }

  void answer(ChannelHandlerContext ctx, HttpRequest request, String requestPath) {
    Predicate<ServerHealth> ok = responses.probe(requestPath);
    if (ok == null) {
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
    HealthResponses.Answer answer = responses.answer(ok);
    Responses.send(ctx, request, answer.status(), "application/json", head ? new byte[0] : answer.json(),
        new DefaultHttpHeaders().set("Cache-Control", "no-store"), false);
  }
}
