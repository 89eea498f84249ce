package dev.notify.bench.server;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyEndpoint;
import jakarta.websocket.server.ServerContainer;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/** notify's {@link NotifyEndpoint} on embedded Tomcat 11, bound to one address. */
@SuppressWarnings({"try", "deprecation"}) // close() throws what stop() throws; addServletMappingDecoded is deprecated, still the embedded way
final class TomcatServer implements AutoCloseable {

  private final Tomcat tomcat;
  private final Connector connector;

  private TomcatServer(Tomcat tomcat, Connector connector) {
    this.tomcat = tomcat;
    this.connector = connector;
  }

  static TomcatServer start(NotifyServer io, String host, int port) throws Exception {
    // read once, when Tomcat's WebSocket classes load: each connection's frame input and output buffers (8 KB each)
    System.setProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", "1024");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("notify-bench-tomcat").toString());
    Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
    connector.setPort(port);
    connector.setProperty("address", host);
    // Tomcat's NIO connector caps connections at 8192 by default; the scenarios hold up to 19,000
    connector.setProperty("maxConnections", "-1");
    connector.setProperty("socket.appReadBufSize", "1024");
    connector.setProperty("socket.appWriteBufSize", "1024");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    // Tomcat runs filters (WebSocket's WsFilter among them) only for requests that map to a servlet
    Tomcat.addServlet(context, "default", new jakarta.servlet.http.HttpServlet() {
      private static final long serialVersionUID = 1L;
    });
    context.addServletMappingDecoded("/", "default");
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer((classes, servletContext) -> {
      ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
      // notify takes messages in parts: Tomcat's per-connection message buffers (8 KB bytes + 8K chars) can be small
      container.setDefaultMaxTextMessageBufferSize(1024);
      container.setDefaultMaxBinaryMessageBufferSize(1024);
      try {
        container.addEndpoint(NotifyEndpoint.config(io));
      } catch (jakarta.websocket.DeploymentException e) {
        throw new jakarta.servlet.ServletException(e);
      }
    }, null);
    tomcat.start();
    return new TomcatServer(tomcat, connector);
  }

  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    tomcat.stop();
    tomcat.destroy();
  }
}
