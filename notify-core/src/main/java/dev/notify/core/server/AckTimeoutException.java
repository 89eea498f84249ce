package dev.notify.core.server;

import java.time.Duration;
import java.util.List;

/**
 * No acknowledgement came in time. For a broadcast, {@link #partial()} holds the answers that did come.
 */
public final class AckTimeoutException extends AckException {

  private static final long serialVersionUID = 1L;

  private final transient List<Args> partial;

  AckTimeoutException(String message, List<Args> partial) {
    super(message);
    this.partial = List.copyOf(partial);
  }

  static AckTimeoutException forSocket(String socketId, String event, Duration timeout) {
    return new AckTimeoutException("socket " + socketId + " did not acknowledge '" + event + "' within "
        + timeout.toMillis() + " ms", List.of());
  }

  /** The answers received before the timeout (broadcasts); empty for one socket. */
  public List<Args> partial() {
    return partial;
  }
}
