package dev.notify.cdi;

import dev.notify.cdi.apps.TestApps;
import jakarta.enterprise.inject.spi.BeanManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.jboss.weld.environment.servlet.EnhancedListener;
import org.jboss.weld.environment.servlet.WeldServletLifecycle;

/**
 * A CDI web application in embedded Tomcat 11 with Weld Servlet, set up as a user sets one up: Tomcat's WebSocket
 * initializer, then Weld's, which discovers the bean archives on the class path (notify-cdi's among them). The
 * application's own beans are the given classes of {@code dev.notify.cdi.apps}; its MicroProfile Config is
 * {@code META-INF/microprofile-config.properties} with the given entries.
 */
final class CdiApp implements AutoCloseable {

  private static final AtomicInteger APPS = new AtomicInteger();

  private final Tomcat tomcat;
  private final Context context;
  private final Connector connector;
  private final Path baseDir;
  private final Path resources;

  private CdiApp(Tomcat tomcat, Context context, Connector connector, Path baseDir, Path resources) {
    this.tomcat = tomcat;
    this.context = context;
    this.connector = connector;
    this.baseDir = baseDir;
    this.resources = resources;
  }

  /** Starts the application with notify at {@code notify.path} of the configuration, else the default path. */
  static CdiApp start(Set<Class<?>> beans, Map<String, String> config) throws LifecycleException {
    return start(beans, config, config.getOrDefault("notify.path", "/socket.io/"));
  }

  /**
   * Starts the application on 127.0.0.1 at a free port.
   *
   * @param notifyPath where notify's transports are, which Weld must leave alone (see the README)
   * @throws LifecycleException when it does not start, with the deployment's failure in its causes
   */
  static CdiApp start(Set<Class<?>> beans, Map<String, String> config, String notifyPath)
      throws LifecycleException {
    Path baseDir = tempDir("notify-cdi-tomcat");
    Path resources = tempDir("notify-cdi-config");
    write(resources.resolve("META-INF/microprofile-config.properties"), config.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")));
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector("HTTP/1.1");
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.setParentClassLoader(new TestApps.AppLoader(url(resources), beans));
    // Tomcat ends an asynchronous request (a long poll) on another thread than it began it: Weld's per-thread
    // guard and request context would warn about each one. notify's requests need no CDI request context.
    context.addParameter("org.jboss.weld.context.ignore.guard", "false");
    // one Weld container per application: two applications may run at once (a cluster)
    context.addParameter(org.jboss.weld.Container.CONTEXT_ID_KEY, "notify-cdi-" + APPS.incrementAndGet());
    context.addParameter("org.jboss.weld.context.mapping", "(?!" + Pattern.quote(notifyPath) + ").*");
    // the order matters: the ServerContainer must exist when Weld starts the application and notify mounts
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer(new EnhancedListener(), null);
    CdiApp app = new CdiApp(tomcat, context, connector, baseDir, resources);
    try {
      tomcat.start();
    } catch (LifecycleException | RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  int port() {
    return connector.getLocalPort();
  }

  /** A bean of the application, as its own code would be injected with. */
  <T> T bean(Class<T> type) {
    BeanManager beans = (BeanManager) context.getServletContext()
        .getAttribute(WeldServletLifecycle.BEAN_MANAGER_ATTRIBUTE_NAME);
    return beans.createInstance().select(type).get();
  }

  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not stop", e);
    } finally {
      delete(baseDir);
      delete(resources);
    }
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.net.URL url(Path dir) {
    try {
      return dir.toUri().toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
