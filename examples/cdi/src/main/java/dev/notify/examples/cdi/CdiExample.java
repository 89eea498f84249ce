package dev.notify.examples.cdi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.jboss.weld.environment.servlet.EnhancedListener;

/**
 * A CDI application on embedded Tomcat 11 and Weld: notify-cdi mounts Socket.IO at {@code /socket.io/}, the page
 * at {@code /} shows what the {@link Notifications} service sends, and {@code POST /notifications} makes it send.
 *
 * <pre>
 *   ./examples/cdi/run [--port 8080]
 *   curl -d text=hello http://127.0.0.1:8080/notifications
 * </pre>
 */
public final class CdiExample {

  private CdiExample() {
  }

  public static void main(String[] args) throws LifecycleException {
    int port = 8080;
    Path interop = Path.of("interop");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--interop" -> interop = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --port N");
      }
    }
    Tomcat tomcat = start(port, interop);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(tomcat), "cdi-example-stop"));
    int bound = tomcat.getConnector().getLocalPort();
    System.out.println("open http://127.0.0.1:" + bound + "/ ; then: curl -d text=hello http://127.0.0.1:" + bound
        + "/notifications");
  }

  /**
   * Starts the application on 127.0.0.1.
   *
   * @param port 0 for a free one
   * @param interop the folder whose {@code node_modules/socket.io-client} serves the page's client
   * @throws LifecycleException when it does not start: the causes say why (a refused {@code notify.*} setting...)
   */
  public static Tomcat start(int port, Path interop) throws LifecycleException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
    Objects.requireNonNull(interop, "interop");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(tempDir().toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(port);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addParameter(Web.INTEROP_DIR, interop.toAbsolutePath().toString());
    // Tomcat ends a long poll on another thread than it began it, which Weld's request context would warn about
    // each time: notify's requests need no request context, so Weld leaves them alone
    context.addParameter("org.jboss.weld.context.ignore.guard", "false");
    context.addParameter("org.jboss.weld.context.mapping", "(?!/socket\\.io/).*");
    context.addServletContainerInitializer(new WsSci(), null);            // WebSocket first: notify mounts on it
    context.addServletContainerInitializer(new EnhancedListener(), null); // then Weld, which starts the beans
    try {
      tomcat.start();
    } catch (LifecycleException | RuntimeException e) {
      stop(tomcat);
      throw e;
    }
    return tomcat;
  }

  /** Stops the application: notify-cdi closes the server with it. */
  public static void stop(Tomcat tomcat) {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not stop", e);
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("notify-cdi-example");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
