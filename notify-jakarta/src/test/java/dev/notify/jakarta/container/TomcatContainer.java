package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * Embedded Tomcat 11, set up as an application would: Tomcat's WebSocket initializer ({@link WsSci}, which
 * creates the ServerContainer and its WsFilter), then a ServletContainerInitializer of ours that calls
 * {@link NotifyServlet#install}.
 */
final class TomcatContainer implements ServedContainer {

  private final Tomcat tomcat;
  private final Connector connector;
  private final Path baseDir;

  private TomcatContainer(Tomcat tomcat, Connector connector, Path baseDir) {
    this.tomcat = tomcat;
    this.connector = connector;
    this.baseDir = baseDir;
  }

  static TomcatContainer start(NotifyServer io, ContainerKind.ContainerTimeouts timeouts) throws Exception {
    // initializers run in the order added: WsSci first, so the ServerContainer exists when install() runs
    return start(timeouts, context -> context.addServletContainerInitializer(
        (classes, servletContext) -> NotifyServlet.install(servletContext, io), null));
  }

  /**
   * Starts Tomcat with its WebSocket initializer ({@link WsSci}) on an empty root context that {@code deploy}
   * fills, as a web application's descriptor would.
   */
  static TomcatContainer start(ContainerKind.ContainerTimeouts timeouts, Consumer<Context> deploy)
      throws Exception {
    Path baseDir = Files.createTempDirectory("notify-tomcat");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    if (timeouts.asyncTimeout() != null) {
      connector.setAsyncTimeout(timeouts.asyncTimeout().toMillis());
    }
    if (timeouts.idleTimeout() != null) {
      connector.setProperty("connectionTimeout", Long.toString(timeouts.idleTimeout().toMillis()));
      connector.setProperty("keepAliveTimeout", Long.toString(timeouts.idleTimeout().toMillis()));
    }
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new WsSci(), null);
    deploy.accept(context);
    tomcat.start();
    return new TomcatContainer(tomcat, connector, baseDir);
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (org.apache.catalina.LifecycleException e) {
      throw new IllegalStateException("Tomcat did not stop", e);
    } finally {
      try (var files = Files.walk(baseDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (java.io.IOException e) {
        // a temporary directory left behind
      }
    }
  }

  @Override
  public String toString() {
    return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber() + " on " + url();
  }
}
