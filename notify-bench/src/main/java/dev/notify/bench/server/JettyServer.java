package dev.notify.bench.server;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyEndpoint;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** notify's {@link NotifyEndpoint} on embedded Jetty 12 (ee10, Jakarta WebSocket), bound to one address. */
@SuppressWarnings("try") // close() throws what the container's stop() throws
final class JettyServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;

  private JettyServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  static JettyServer start(NotifyServer io, String host, int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    server.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(context,
        (servletContext, container) -> container.addEndpoint(NotifyEndpoint.config(io)));
    server.start();
    return new JettyServer(server, connector);
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
