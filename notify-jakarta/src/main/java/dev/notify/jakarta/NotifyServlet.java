package dev.notify.jakarta;

import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.polling.PollingHandler;
import dev.notify.core.server.NotifyServer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.util.Objects;

/**
 * The HTTP long-polling transport of a {@link NotifyServer}, as a Jakarta Servlet (6.0). Clients left at their
 * defaults open with polling and upgrade to WebSocket; behind proxies that block WebSocket, polling is their
 * only way in. Map it at the server's path with async support, next to {@link NotifyEndpoint}:
 *
 * <pre>{@code
 * NotifyServlet.install(servletContext, io);   // the servlet at /socket.io/* and the WebSocket endpoint
 * }</pre>
 *
 * In a {@code web.xml} application, declare the servlet with {@code <async-supported>true</async-supported>}
 * and put the server in the context attribute {@link #SERVER_ATTRIBUTE} from a {@code ServletContextListener};
 * the no-argument constructor picks it up at {@code init}.
 *
 * <p>A waiting poll holds no container thread (async processing). Polling needs sticky sessions behind a load
 * balancer: every request of a session must reach the node that holds it.
 */
public final class NotifyServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** The servlet context attribute the no-argument constructor reads the {@link NotifyServer} from. */
  public static final String SERVER_ATTRIBUTE = NotifyServer.class.getName();

  private transient volatile PollingHandler handler;

  /** For {@code web.xml}: the server comes from the context attribute {@link #SERVER_ATTRIBUTE}. */
  public NotifyServlet() {
  }

  public NotifyServlet(NotifyServer io) {
    this(Transports.engine(io));
  }

  /**
   * The polling transport of a bare Engine.IO server. {@code EngineServer} is internal (the Engine.IO compliance
   * server uses it); this overload may change without notice.
   */
  public NotifyServlet(EngineServer engine) {
    this.handler = new PollingHandler(Objects.requireNonNull(engine, "engine"));
  }

  /**
   * Registers, on a starting servlet context, the polling servlet at {@code <path>*} and the WebSocket endpoint
   * at {@code <path>}, and a request listener that gives the endpoint its peer's address (which Tomcat does not).
   * Call it from a {@code ServletContainerInitializer} or a {@code ServletContextListener}.
   *
   * @throws IllegalStateException when the context has no WebSocket container or refuses the registration
   */
  public static void install(ServletContext context, NotifyServer io) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(io, "io");
    String path = io.options().engine().path();
    ServletRegistration.Dynamic servlet = context.addServlet("notify:" + path, new NotifyServlet(io));
    if (servlet == null) {
      throw new IllegalStateException("a servlet named notify:" + path + " is already registered");
    }
    servlet.setAsyncSupported(true);
    servlet.addMapping(path + "*");
    ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
    if (container == null) {
      throw new IllegalStateException("the servlet context has no jakarta.websocket.server.ServerContainer: "
          + "enable WebSocket support in the container");
    }
    // Tomcat tells a WebSocket endpoint nothing of its peer: capture the address of upgrade requests
    context.addListener(new PeerAddressListener());
    try {
      container.addEndpoint(NotifyEndpoint.config(io));
    } catch (DeploymentException e) {
      throw new IllegalStateException("cannot register the WebSocket endpoint at " + path + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void init() throws ServletException {
    if (handler != null) {
      return;
    }
    Object io = getServletContext().getAttribute(SERVER_ATTRIBUTE);
    if (!(io instanceof NotifyServer server)) {
      throw new ServletException("no NotifyServer in servlet context attribute " + SERVER_ATTRIBUTE
          + ": set it from a ServletContextListener, or construct NotifyServlet with the server");
    }
    handler = new PollingHandler(Transports.engine(server));
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    ServletExchange exchange = new ServletExchange(request, response);
    try {
      handler.handle(exchange);
    } finally {
      exchange.leftService();
    }
  }
}
