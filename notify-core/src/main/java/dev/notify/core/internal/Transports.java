package dev.notify.core.internal;

import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.server.NotifyServer;
import java.util.Objects;
import java.util.function.Function;

/**
 * How notify's transports (notify-jakarta's endpoint and servlet, the standalone server) reach the Engine.IO server
 * inside a {@link NotifyServer} without it being API: {@code NotifyServer} hands over the means when its class
 * initializes. Not API.
 */
public final class Transports {

  private static volatile Function<NotifyServer, EngineServer> engines;

  private Transports() {
  }

  /** Called once, by {@code NotifyServer}'s static initializer; later calls are refused. */
  public static synchronized void install(Function<NotifyServer, EngineServer> access) {
    if (engines != null) {
      throw new IllegalStateException("already installed");
    }
    engines = Objects.requireNonNull(access, "access");
  }

  /** The Engine.IO server of {@code io}, for a transport to open sessions on. */
  public static EngineServer engine(NotifyServer io) {
    Objects.requireNonNull(io, "io");
    return engines.apply(io); // io exists, so NotifyServer initialized and installed the means
  }
}
