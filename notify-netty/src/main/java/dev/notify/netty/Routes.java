package dev.notify.netty;

import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.polling.PollingHandler;
import java.util.List;

/** Which server a request path belongs to. Immutable. */
final class Routes {

  /** One served Engine.IO server: its sessions, and its long-polling side. */
  record Route(EngineServer engine, PollingHandler polling) {

    /** Whether {@code path} is the server's own path, with or without its trailing slash. */
    boolean owns(String path) {
      String own = engine.options().path();
      return path.equals(own) || path.equals(own.substring(0, own.length() - 1));
    }
  }

  private final Route[] routes;

  Routes(List<EngineServer> engines) {
    routes = engines.stream().map(e -> new Route(e, new PollingHandler(e))).toArray(Route[]::new);
  }

  /**
   * The server whose path is {@code path} or holds it ({@code /socket.io/...}: its polling handler answers 404 for
   * what is not its own path), or {@code null}.
   */
  Route find(String path) {
    for (Route route : routes) {
      if (path.startsWith(route.engine().options().path()) || route.owns(path)) {
        return route;
      }
    }
    return null;
  }
}
