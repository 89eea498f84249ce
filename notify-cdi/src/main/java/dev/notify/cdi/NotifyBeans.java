package dev.notify.cdi;

import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyServlet;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's one {@link NotifyServer}, for {@code @Inject NotifyServer} and {@code @Inject Emitter}: built
 * on first use or when the web application starts, whichever comes first, from the builder the application
 * produces (else the defaults) with the {@code notify.*} settings of MicroProfile Config applied over it; then
 * {@link NotifyStarting} is fired, the transports are mounted in the servlet context, and the server is closed
 * when the application stops.
 *
 * <p>Thread-safe; no application code (the builder producer, the observers) runs under its lock.
 */
@ApplicationScoped
class NotifyBeans {

  private static final Logger log = LoggerFactory.getLogger(NotifyBeans.class);

  @Inject
  Instance<NotifyServer.Builder> builders;

  @Inject
  Event<NotifyStarting> starting;

  /** Guarded by this. */
  private NotifyServer io;
  /** Guarded by this: no server is built again while the application stops. */
  private boolean closed;
  /** Completed once the {@link NotifyStarting} observers have run. */
  private final CompletableFuture<Void> handlersAdded = new CompletableFuture<>();

  /**
   * A pseudo-scope, not {@code @ApplicationScoped}: {@code NotifyServer} is final, so it cannot have a client
   * proxy; one instance for the application all the same, closed with this bean.
   */
  @Produces
  @Singleton
  @Typed({NotifyServer.class, Emitter.class})
  NotifyServer server() {
    return io();
  }

  NotifyServer io() {
    NotifyServer current = current();
    if (current != null) {
      return current;
    }
    // the application's builder producer and observers run outside the lock: two threads may both build, one wins
    NotifyServer built = build();
    boolean won;
    synchronized (this) {
      won = !closed && io == null;
      if (won) {
        io = built;
      }
    }
    if (!won) {
      built.close();
      return current();
    }
    // an observer that injects the server gets this one: it is assigned already
    try {
      starting.fire(new NotifyStarting(built));
      handlersAdded.complete(null);
    } catch (RuntimeException e) {
      handlersAdded.completeExceptionally(e);
      close();
      throw e;
    }
    return built;
  }

  /** The server once built, else null. */
  private synchronized NotifyServer current() {
    if (closed) {
      throw new IllegalStateException("notify was closed with the application");
    }
    return io;
  }

  /** At the web application's start, while servlets may still be added; fails the deployment when it cannot. */
  void mount(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
    NotifyServer server = io();
    // when another thread built the server, its observers may still be adding handlers: no client before them
    handlersAdded.join();
    String path = server.options().engine().path();
    try {
      NotifyServlet.install(context, server);
    } catch (RuntimeException e) {
      close();
      throw new IllegalStateException("notify cannot mount its transports at " + context.getContextPath() + path
          + ": " + e.getMessage() + " (with Weld Servlet, the container's WebSocket initializer must run before "
          + "Weld's)", e);
    }
    log.info("notify mounted at {}{}", context.getContextPath(), path);
  }

  @PreDestroy
  void close() {
    NotifyServer server;
    synchronized (this) {
      closed = true;
      server = io;
      io = null;
    }
    if (server != null) {
      server.close();
    }
  }

  private NotifyServer build() {
    NotifyServer.Builder builder = builders.isUnsatisfied() ? NotifyServer.builder() : builders.get();
    if (builder == null) {
      throw new IllegalStateException("the application's NotifyServer.Builder producer returned null");
    }
    ServerConfig.Source settings = settings();
    ServerConfig.apply(settings, builder);
    return ServerConfig.build(settings, builder);
  }

  private static ServerConfig.Source settings() {
    try {
      Class.forName("org.eclipse.microprofile.config.ConfigProvider", false, NotifyBeans.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return ServerConfig.NONE;
    }
    return MicroProfileSource.current().orElse(ServerConfig.NONE);
  }
}
