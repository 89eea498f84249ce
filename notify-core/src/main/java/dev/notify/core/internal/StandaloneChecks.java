package dev.notify.core.internal;

import dev.notify.core.internal.engine.EngineServer;
import java.time.Duration;
import java.util.Objects;

/**
 * The option checks the standalone servers' builders share (notify-jakarta's {@code NotifyStandalone}, notify-netty's
 * {@code NotifyNetty}); each message names the option, its value and the rule. Not API: shared by notify's own
 * modules.
 */
public final class StandaloneChecks {

  private StandaloneChecks() {
  }

  /** @throws IllegalArgumentException unless {@code port} is in 0..65535 */
  public static int port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, was " + port);
    }
    return port;
  }

  /** @throws IllegalArgumentException unless {@code value} is &gt; 0; {@link NullPointerException} for null */
  public static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /** @throws IllegalArgumentException unless {@code path} starts with '/', does not end with '/' and holds no '*' */
  public static String healthPath(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")) {
      throw new IllegalArgumentException("healthPath must start with '/', not end with '/' and hold no '*', was '"
          + path + "'");
    }
    return path;
  }

  /** @throws IllegalStateException when {@code healthPath} (if any) is under {@code engine}'s Socket.IO path */
  public static void healthPathOutside(String healthPath, EngineServer engine) {
    if (healthPath != null && (healthPath + "/").startsWith(engine.options().path())) {
      throw new IllegalStateException("healthPath " + healthPath + " is under the Socket.IO path "
          + engine.options().path());
    }
  }
}
