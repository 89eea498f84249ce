package dev.notify.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a standalone server's health endpoint answers, whichever HTTP server carries it: {@code <path>} and
 * {@code <path>/ready} answer 200 when every server is ready, {@code <path>/live} when every server is live, 503
 * otherwise; the body is the {@link ServerHealth#toJson() JSON} of the server (keyed by path when there are
 * several). Another path under {@code <path>} is the caller's 404, a method other than GET and HEAD its 405.
 * Health checks must not block, so it may answer on an I/O thread. Immutable. Not API: shared by notify's own
 * modules.
 */
public final class HealthResponses {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String path;
  private final List<NotifyServer> servers;

  public HealthResponses(String path, List<NotifyServer> servers) {
    this.path = path;
    this.servers = List.copyOf(servers);
  }

  /** Whether {@code requestPath} is this endpoint's: its path or under it. */
  public boolean matches(String requestPath) {
    return requestPath.equals(path) || requestPath.startsWith(path + "/");
  }

  /** The probe {@code requestPath} asks for, or {@code null} when it is none (404). */
  public Predicate<ServerHealth> probe(String requestPath) {
    if (requestPath.equals(path) || requestPath.equals(path + "/ready")) {
      return ServerHealth::ready;
    }
    if (requestPath.equals(path + "/live")) {
      return ServerHealth::live;
    }
    return null;
  }

  /** The answer to a GET of {@code probe}: 200 when every server passes it, 503 otherwise, with the JSON. */
  public Answer answer(Predicate<ServerHealth> probe) {
    boolean all = true;
    String body;
    if (servers.size() == 1) {
      ServerHealth health = servers.get(0).health();
      all = probe.test(health);
      body = health.toJson();
    } else {
      ObjectNode byPath = JSON.createObjectNode();
      for (NotifyServer server : servers) {
        ServerHealth health = server.health();
        all &= probe.test(health);
        byPath.set(server.options().engine().path(), parse(health.toJson()));
      }
      body = byPath.toString();
    }
    return new Answer(all ? 200 : 503, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A health answer: the status and the UTF-8 JSON body, sent as {@code application/json}, {@code no-store}. */
  public record Answer(int status, byte[] json) {
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a server's health is not JSON: " + json, e);
    }
  }
}
