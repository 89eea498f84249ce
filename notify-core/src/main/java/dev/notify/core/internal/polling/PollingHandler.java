package dev.notify.core.internal.polling;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.server.EngineOptions;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.RequestError;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.EnginePacketType;
import dev.notify.core.internal.protocol.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of Engine.IO long-polling, as the spec says: handshake {@code GET}, long-poll {@code GET}s,
 * {@code POST}ed payloads, the JSON errors {@code {"code","message"}}, CORS for the allowed origins. Written
 * once over {@link HttpExchange}; the Servlet, the standalone Grizzly handler and Netty adapt their requests to it.
 */
public final class PollingHandler {

  private static final Logger log = LoggerFactory.getLogger(PollingHandler.class);
  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
  private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final int PRUNE_AT = 1024;
  private static final int MAX_LINGERING = 10_000;

  private final EngineServer engine;
  /**
   * Sessions the client closed with a {@code POST} while no poll was waiting, each until when one {@code GET}
   * still gets the noop that releases a poll. The close and the poll travel on two connections; a single-threaded
   * server nearly always reads the poll first and answers it with a noop, here both are handled in parallel and
   * the poll can lose the race by a few microseconds. The transport decides which one poll gets the answer.
   */
  private final ConcurrentHashMap<String, Lingering> lingering = new ConcurrentHashMap<>();

  public PollingHandler(EngineServer engine) {
    this.engine = engine;
  }

  public EngineServer engine() {
    return engine;
  }

  /** Serves one request; on the thread that received it, which it never blocks unless the exchange reads blocking. */
  public void handle(HttpExchange ex) {
    String path = engine.options().path();
    String uri = ex.pathInApplication();
    if (!uri.equals(path) && !uri.equals(path.substring(0, path.length() - 1))) {
      // the container maps everything under the path here; only the path itself is Engine.IO's
      ex.respond(404, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    String origin = ex.header("origin");
    boolean originAllowed = engine.options().isOriginAllowed(origin, ex.header("host"));
    if (origin != null && originAllowed) {
      ex.setHeader("Access-Control-Allow-Origin", origin);
      ex.setHeader("Vary", "Origin");
      if (engine.options().allowCredentials()) {
        ex.setHeader("Access-Control-Allow-Credentials", "true");
      }
    }
    if ("OPTIONS".equals(ex.method())) {
      preflight(ex, originAllowed);
      return;
    }
    EngineRequest request = new EngineRequest(ex.headers(), ex.query(), ex.remoteAddress(), ex.url(),
        ex.secure());
    RequestError error = engine.check(request, ex.method(), false);
    if (error == RequestError.UNKNOWN_SID && lingeringPoll(ex, request.query("sid"))) {
      return;
    }
    if (error != null) {
      log.atDebug().addKeyValue(LogKeys.REMOTE, request.remoteAddress())
          .log("{} {} refused: {}", ex.method(), ex.url(), error.message());
      respondError(ex, error);
      return;
    }
    String sid = request.query("sid");
    if (sid == null) {
      handshake(ex, request);
      return;
    }
    EngineSession session = engine.session(sid);
    if (session == null) {
      if (lingeringPoll(ex, sid)) {
        return;
      }
      respondError(ex, RequestError.UNKNOWN_SID);
      return;
    }
    if (!(session.transport() instanceof PollingTransport polling)) {
      respondError(ex, RequestError.BAD_REQUEST);
      return;
    }
    switch (ex.method()) {
      case "GET" -> poll(ex, session, polling);
      case "POST" -> post(ex, session, polling);
      default -> respondError(ex, RequestError.BAD_REQUEST);
    }
  }

  private void preflight(HttpExchange ex, boolean originAllowed) {
    if (!originAllowed) {
      respondError(ex, RequestError.FORBIDDEN);
      return;
    }
    ex.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    String headers = ex.header("access-control-request-headers");
    if (headers != null) {
      ex.setHeader("Access-Control-Allow-Headers", headers);
    }
    ex.setHeader("Access-Control-Max-Age", "86400");
    ex.respond(204, null, new byte[0]);
  }

  private void handshake(HttpExchange ex, EngineRequest request) {
    EngineServer.Busy busy = engine.admit(request);
    if (busy != null) {
      ex.setHeader("Retry-After", Long.toString(busy.retryAfterSeconds()));
      ex.respond(503, "text/plain", ("server busy: " + busy.reason()).getBytes(StandardCharsets.UTF_8));
      return;
    }
    EngineOptions options = engine.options();
    PollingTransport transport = new PollingTransport(options.httpCompression() ? options.compressionThreshold() : -1);
    EngineSession session = engine.open(transport, request);
    if (session == null) {
      ex.respond(503, "text/plain", "server shutting down".getBytes(StandardCharsets.US_ASCII));
      return;
    }
    transport.attach(session);
    transport.onGet(ex);
  }

  private void poll(HttpExchange ex, EngineSession session, PollingTransport polling) {
    if (!polling.onGet(ex)) {
      // close before answering, here and below: a client that reacts to the error response must find the
      // session gone (400 "Session ID unknown"), not still closing
      session.close(CloseReason.TRANSPORT_ERROR, "a second GET arrived while one was waiting");
      respondError(ex, RequestError.BAD_REQUEST);
    }
  }

  private void post(HttpExchange ex, EngineSession session, PollingTransport polling) {
    int limit = engine.options().maxPayload();
    if (!polling.beginPost()) {
      session.close(CloseReason.TRANSPORT_ERROR, "a second POST arrived while one was being read");
      respondError(ex, RequestError.BAD_REQUEST);
      return;
    }
    if (ex.contentLength() > limit) {
      if (ex.contentLength() <= HttpExchange.MAX_DISCARDED) {
        ex.discardBody();
      }
      polling.endPost();
      refuseTooLarge(ex, session, new HttpExchange.BodyTooLargeException(ex.contentLength(), limit));
      return;
    }
    ex.readBody(limit, new HttpExchange.BodyReader() {
      @Override
      public void onBody(byte[] body) {
        polling.endPost();
        received(ex, session, polling, body);
      }

      @Override
      public void onTooLarge(HttpExchange.BodyTooLargeException e) {
        polling.endPost();
        refuseTooLarge(ex, session, e);
      }

      @Override
      public void onFailed(IOException e) {
        polling.endPost();
        session.close(CloseReason.TRANSPORT_ERROR, "POST body unreadable: " + e.getMessage());
        respondError(ex, RequestError.BAD_REQUEST);
      }
    });
  }

  private static void refuseTooLarge(HttpExchange ex, EngineSession session, HttpExchange.BodyTooLargeException e) {
    session.close(CloseReason.MESSAGE_TOO_LARGE, e.getMessage());
    ex.respond(413, "text/plain", "payload too large".getBytes(StandardCharsets.US_ASCII));
  }

  private void received(HttpExchange ex, EngineSession session, PollingTransport polling, byte[] body) {
    List<EnginePacket> packets;
    try {
      packets = EngineDecoder.decodePayload(new String(body, StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      session.close(CloseReason.PARSE_ERROR, e.getMessage());
      respondError(ex, RequestError.BAD_REQUEST);
      return;
    }
    boolean closeSent = packets.stream().anyMatch(p -> p.type() == EnginePacketType.CLOSE);
    if (closeSent) {
      // before the close: a poll that races it must find the entry once the session is gone
      linger(session.id(), polling);
    }
    for (EnginePacket packet : packets) {
      if (!session.isOpen()) {
        break;
      }
      session.onPacket(polling, packet);
    }
    if (closeSent && polling.closeAnswered()) {
      lingering.remove(session.id());
    }
    ex.respond(200, "text/html", OK);
  }

  private void linger(String sid, PollingTransport polling) {
    long now = System.nanoTime();
    if (lingering.size() >= PRUNE_AT) {
      lingering.values().removeIf(entry -> entry.until() - now < 0);
      if (lingering.size() >= MAX_LINGERING) {
        return;
      }
    }
    lingering.put(sid, new Lingering(polling, now + LINGER_NANOS));
  }

  /** Answers a {@code GET} for a session that lingers after the client closed it; {@code false} if none. */
  private boolean lingeringPoll(HttpExchange ex, String sid) {
    if (!"GET".equals(ex.method()) || lingering.isEmpty()) {
      return false;
    }
    Lingering entry = lingering.remove(sid);
    if (entry == null || entry.until() - System.nanoTime() <= 0) {
      return false;
    }
    return entry.polling().answerPollAfterClientClose(ex);
  }

  private static void respondError(HttpExchange ex, RequestError error) {
    PollingTransport.respondError(ex, error);
  }

  private record Lingering(PollingTransport polling, long until) {}
}
