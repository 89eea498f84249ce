package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import java.time.Duration;

/** The containers every container scenario runs in. */
enum ContainerKind {
  /** Embedded Tomcat 11: the endpoint and the servlet registered from a ServletContainerInitializer. */
  TOMCAT {
    @Override
    ServedContainer start(NotifyServer io, ContainerTimeouts timeouts) throws Exception {
      return TomcatContainer.start(io, timeouts);
    }
  },
  /** Embedded Jetty 12 ee10: a ServletContextHandler with Jetty's Jakarta WebSocket initializer. */
  JETTY {
    @Override
    ServedContainer start(NotifyServer io, ContainerTimeouts timeouts) throws Exception {
      return JettyContainer.start(io, timeouts);
    }
  },
  /** {@link dev.notify.jakarta.NotifyStandalone}: Tyrus on Grizzly, polling on a Grizzly handler. */
  STANDALONE {
    @Override
    ServedContainer start(NotifyServer io, ContainerTimeouts timeouts) throws Exception {
      return StandaloneContainer.start(io);
    }
  },
  /** {@link dev.notify.netty.NotifyNetty}: WebSocket and long-polling on Netty, no Jakarta layer. */
  NETTY {
    @Override
    ServedContainer start(NotifyServer io, ContainerTimeouts timeouts) {
      return NettyContainer.start(io);
    }
  };

  /** Starts the container on 127.0.0.1 and a free port, serving {@code io}. */
  abstract ServedContainer start(NotifyServer io, ContainerTimeouts timeouts) throws Exception;

  /** Starts the container with its default timeouts. */
  ServedContainer start(NotifyServer io) throws Exception {
    return start(io, ContainerTimeouts.DEFAULTS);
  }

  /**
   * Container-level timeouts that could end a waiting long poll: the default async timeout of a Servlet
   * request (Tomcat: 30 s) and the connection idle timeout (Tomcat's connectionTimeout, Jetty's idleTimeout).
   * {@code null} keeps the container's default. The standalone server has neither: its polls suspend without
   * limit, and its request deadlines do not apply to a request waiting for its response; nor has Netty.
   */
  record ContainerTimeouts(Duration asyncTimeout, Duration idleTimeout) {
    static final ContainerTimeouts DEFAULTS = new ContainerTimeouts(null, null);
  }
}
