package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Jetty;

/**
 * Embedded Jetty 12 (ee10), set up as its documentation shows: a ServletContextHandler, Jetty's Jakarta
 * WebSocket initializer, and {@link NotifyServlet#install} from its configurator callback.
 */
final class JettyContainer implements ServedContainer {

  private final Server server;
  private final ServerConnector connector;

  private JettyContainer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  static JettyContainer start(NotifyServer io, ContainerKind.ContainerTimeouts timeouts) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    if (timeouts.idleTimeout() != null) {
      connector.setIdleTimeout(timeouts.idleTimeout().toMillis());
    }
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    server.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(context,
        (servletContext, container) -> NotifyServlet.install(servletContext, io));
    server.start();
    return new JettyContainer(server, connector);
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }

  @Override
  public String toString() {
    return "Jetty " + Jetty.VERSION + " on " + url();
  }
}
