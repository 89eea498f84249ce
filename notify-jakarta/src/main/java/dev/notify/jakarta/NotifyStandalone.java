package dev.notify.jakarta;

import dev.notify.core.engine.EngineServer;
import dev.notify.core.server.NotifyServer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs notify without an application server, on Tyrus and Grizzly: WebSocket and HTTP long-polling on one port (add {@code tyrus-server} and
 * {@code tyrus-container-grizzly-server} to your dependencies):
 *
 * <pre>{@code
 * NotifyStandalone http = NotifyStandalone.start(io, 3000);   // all interfaces
 * ...
 * io.close();
 * http.close();
 * }</pre>
 *
 * Binds exactly the host it is given (Tyrus's own {@code Server} always binds every interface). Thread-safe.
 */
public final class NotifyStandalone implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifyStandalone.class);

  private final HttpServer http;
  private final TyrusServerContainer container;
  private final NetworkListener listener;

  private NotifyStandalone(HttpServer http, TyrusServerContainer container, NetworkListener listener) {
    this.http = http;
    this.container = container;
    this.listener = listener;
  }

  /** Serves {@code io} on every interface at {@code port}. */
  public static NotifyStandalone start(NotifyServer io, int port) {
    return builder().add(io).port(port).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port it listens on (the one the system picked when built with port 0). */
  public int port() {
    return listener.getPort();
  }

  /** Stops listening and drops every connection. Close the {@link NotifyServer} first for a clean goodbye. */
  @Override
  public void close() {
    container.stop();
    http.shutdownNow();
  }

  /** Chooses the address and what to serve. Not thread-safe. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 3000;
    private final List<EngineServer> engines = new ArrayList<>();

    private Builder() {
    }

    /** The address to bind. Defaults to {@code 0.0.0.0}: every interface. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 lets the system pick. Defaults to 3000. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** Serves a Socket.IO server on its path. */
    public Builder add(NotifyServer io) {
      return add(Objects.requireNonNull(io, "io").engine());
    }

    /** Serves a bare Engine.IO server on its path. */
    public Builder add(EngineServer engine) {
      engines.add(Objects.requireNonNull(engine, "engine"));
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalStateException when nothing was added or two servers share a path
     */
    public NotifyStandalone start() {
      if (engines.isEmpty()) {
        throw new IllegalStateException("nothing to serve: add a NotifyServer or an EngineServer");
      }
      Container container = new Container(engines.stream().mapToInt(e -> e.options().maxPayload()).max()
          .getAsInt());
      try {
        for (EngineServer engine : engines) {
          container.register(NotifyEndpoint.config(engine));
        }
      } catch (DeploymentException e) {
        throw new IllegalStateException("cannot deploy the endpoints: " + e.getMessage(), e);
      }
      HttpServer http = new HttpServer();
      for (EngineServer engine : engines) {
        http.getServerConfiguration().addHttpHandler(new GrizzlyPolling(new PollingHandler(engine)),
            HttpHandlerRegistration.builder().contextPath("").urlPattern(engine.options().path() + "*").build());
      }
      NetworkListener listener = new NetworkListener("notify", host, port);
      // WebSocket frames are read on the selector threads: notify only decodes and hands them off, so a hop to a
      // worker thread per frame would cost a context switch for nothing. HTTP requests (polling, whose POST bodies
      // are read blocking) still run on the worker pool: Grizzly's HttpHandler moves them off selector threads.
      listener.getTransport().setIOStrategy(SameThreadIOStrategy.getInstance());
      listener.getTransport().setWorkerThreadPoolConfig(ThreadPoolConfig.defaultConfig().copy()
          .setPoolName("notify-http"));
      listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
      listener.registerAddOn(new WebSocketAddOn(container, ""));
      http.addListener(listener);
      try {
        http.start();
        dropIdleTimeoutFilter(listener);
        container.start("", listener.getPort());
      } catch (IOException e) {
        http.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      } catch (DeploymentException e) {
        http.shutdownNow();
        throw new IllegalStateException("cannot start the WebSocket container: " + e.getMessage(), e);
      }
      log.info("listening on {}:{}", host, listener.getPort());
      return new NotifyStandalone(http, container, listener);
    }
  }

  /**
   * Takes Grizzly's idle-timeout filter out of the listener's chain. The keep-alive idle timeout is off (-1, set
   * above: Engine.IO's heartbeat finds dead peers), so the filter never closes anything, yet it still tracks every
   * connection: its timer thread visits each one every second and every write updates its timestamp. Measured
   * with notify-bench: about 12 % of the server's CPU samples in a fan-out to a 10k room, about 1 % of a core
   * per 10k idle connections.
   */
  private static void dropIdleTimeoutFilter(NetworkListener listener) {
    org.glassfish.grizzly.filterchain.FilterChain chain = listener.getFilterChain();
    int index = chain.indexOfType(org.glassfish.grizzly.utils.IdleTimeoutFilter.class);
    if (index >= 0) {
      chain.remove(index);
    }
  }

  /** A Tyrus container whose engine Grizzly's WebSocket add-on feeds. */
  private static final class Container extends TyrusServerContainer {
    private final WebSocketEngine engine;

    Container(int maxPayload) {
      super((java.util.Set<Class<?>>) null);
      // Tyrus refuses frames larger than its incoming buffer: leave room for the largest allowed payload
      this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(maxPayload + 1024).build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
      ((TyrusWebSocketEngine) engine).register(endpointClass, "");
    }

    @Override
    public void register(ServerEndpointConfig config) throws DeploymentException {
      ((TyrusWebSocketEngine) engine).register(config, "");
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
      return engine;
    }

    @Override
    public java.util.Map<String, Object> getProperties() {
      return java.util.Map.of();
    }
  }
}
