package dev.notify.jakarta;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.RequestError;
import dev.notify.core.internal.engine.WebSockets;
import dev.notify.core.server.NotifyServer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jakarta WebSocket endpoint of a {@link NotifyServer}, to register on the container you already run:
 *
 * <pre>{@code
 * ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
 * container.addEndpoint(NotifyEndpoint.config(io));
 * }</pre>
 *
 * The endpoint answers on the server's path ({@code /socket.io/} by default), checks the Engine.IO request and
 * the {@code Origin} header, then opens a session or joins the upgrade of a polling one. One instance serves
 * every connection of its server. Any Jakarta WebSocket 2.1+ container works (Tomcat 10.1+, Jetty 12, Tyrus
 * 2.1+, Undertow 2.3+). Its {@code on*} methods belong to the container.
 */
public final class NotifyEndpoint extends Endpoint {

  private static final Logger log = LoggerFactory.getLogger(NotifyEndpoint.class);
  private static final Executor CLOSER = closer();
  private static final String TRANSPORT = "dev.notify.transport";

  private final EngineServer engine;
  private final Executor closer;

  private NotifyEndpoint(EngineServer engine, Executor closer) {
    this.engine = engine;
    this.closer = closer;
  }

  /** The endpoint configuration of a Socket.IO server. */
  public static ServerEndpointConfig config(NotifyServer io) {
    return config(Transports.engine(io));
  }

  /**
   * The endpoint configuration of a bare Engine.IO server, on its own path. {@code EngineServer} is internal (the
   * Engine.IO compliance server uses it); this overload may change without notice.
   */
  public static ServerEndpointConfig config(EngineServer engine) {
    Objects.requireNonNull(engine, "engine");
    NotifyEndpoint endpoint = new NotifyEndpoint(engine, CLOSER);
    return ServerEndpointConfig.Builder.create(NotifyEndpoint.class, engine.options().path())
        .configurator(new HandshakeCapture(endpoint, engine.options()))
        .build();
  }

  /**
   * Closes WebSocket sessions off the caller's thread (a container may block in close). Shared by every endpoint of
   * the JVM, as a container gives an endpoint no hook to stop a pool of its own: its two daemon threads end 2 s
   * after the last close, so nothing outlives the work.
   */
  private static Executor closer() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, "notify-ws-close-" + count.incrementAndGet());
          thread.setDaemon(true);
          // shared by every web application of the JVM: it must not keep the one that started it from unloading
          thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public void onOpen(Session ws, EndpointConfig config) {
    int maxPayload = engine.options().maxPayload();
    // the heartbeat decides when a connection is dead, not the container. Negative rather than 0 (both mean
    // "never" in the spec): with 0 Tyrus schedules an idle check that does nothing on its executor for every message
    ws.setMaxIdleTimeout(-1);
    WebSocketTransport transport = new WebSocketTransport(ws, maxPayload, closer);
    ws.getUserProperties().put(TRANSPORT, transport);
    // messages arrive in parts and are assembled up to maxPayload here: raising the container's message buffers
    // to maxPayload instead makes some (Tomcat) allocate that much per connection up front
    ws.addMessageHandler(String.class, (MessageHandler.Partial<String>) transport::onTextPart);
    ws.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) transport::onBinaryPart);

    EngineRequest request = request(ws);
    RequestError error = engine.check(request, "GET", true);
    if (error != null) {
      log.atInfo().addKeyValue(LogKeys.REMOTE, request.remoteAddress())
          .log("websocket refused: {} ({})", error.message(), request.url());
      transport.close(error == RequestError.FORBIDDEN ? CloseReason.CloseCodes.VIOLATED_POLICY
          : CloseReason.CloseCodes.CANNOT_ACCEPT, error.message());
      return;
    }
    String sid = request.query("sid");
    if (sid == null) {
      EngineServer.Busy busy = engine.admit(request);
      if (busy != null) {
        transport.close(CloseReason.CloseCodes.TRY_AGAIN_LATER, "server busy, retry after "
            + busy.retryAfterSeconds() + " s");
        return;
      }
    }
    WebSockets.Refusal refusal = WebSockets.open(engine, request, transport, transport::attach, log);
    if (refusal != null) {
      transport.close(CloseReason.CloseCodes.getCloseCode(refusal.code()), refusal.text());
    }
  }

  @Override
  public void onClose(Session ws, CloseReason reason) {
    WebSocketTransport transport = (WebSocketTransport) ws.getUserProperties().get(TRANSPORT);
    if (transport != null) {
      transport.onClosed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }
  }

  @Override
  public void onError(Session ws, Throwable error) {
    WebSocketTransport transport = (WebSocketTransport) ws.getUserProperties().get(TRANSPORT);
    if (transport != null) {
      transport.onError(error);
    }
  }

  @SuppressWarnings("unchecked")
  private static EngineRequest request(Session ws) {
    Map<String, Object> props = ws.getUserProperties();
    Map<String, List<String>> headers = (Map<String, List<String>>) props.getOrDefault(HandshakeCapture.HEADERS,
        Map.of());
    String url = (String) props.getOrDefault(HandshakeCapture.URL, ws.getRequestURI().toString());
    // the EngineRequest keeps what it needs: do not keep the container's header map for the life of the session
    props.remove(HandshakeCapture.HEADERS);
    props.remove(HandshakeCapture.URL);
    Map<String, String> query = new LinkedHashMap<>();
    ws.getRequestParameterMap().forEach((name, values) -> {
      if (!values.isEmpty()) {
        query.put(name, values.get(0));
      }
    });
    return new EngineRequest(headers, query, remoteAddress(ws), url, ws.isSecure());
  }

  /**
   * Jakarta WebSocket has no portable peer address: try the containers' user properties (Jetty), the one
   * {@link PeerAddressListener} captured (any Servlet container, needed on Tomcat), then Tyrus.
   */
  private static String remoteAddress(Session ws) {
    for (String key : new String[] {"jakarta.websocket.endpoint.remoteAddress",
        "javax.websocket.endpoint.remoteAddress", HandshakeCapture.REMOTE_ADDRESS}) {
      Object value = ws.getUserProperties().get(key);
      if (value instanceof InetSocketAddress address) {
        return address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
      }
      if (value != null) {
        return value.toString();
      }
    }
    try {
      Object value = ws.getClass().getMethod("getRemoteAddr").invoke(ws);
      return value == null ? "" : value.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "";
    }
  }
}
