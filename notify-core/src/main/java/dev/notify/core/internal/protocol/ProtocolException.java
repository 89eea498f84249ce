package dev.notify.core.internal.protocol;

/**
 * Malformed Engine.IO or Socket.IO input. The only exception the protocol codecs throw for bad input; the
 * message says what was wrong, in the words of the spec where it has some, and is safe to log.
 */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean tooLarge;

  public ProtocolException(String message) {
    this(message, null, false);
  }

  public ProtocolException(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ProtocolException(String message, Throwable cause, boolean tooLarge) {
    super(message, cause);
    this.tooLarge = tooLarge;
  }

  /** Well-formed input over a size limit: a server answers it as "message too big", not as a parse error. */
  public static ProtocolException tooLarge(String message) {
    return new ProtocolException(message, null, true);
  }

  /** Whether the input broke a size limit rather than the protocol's grammar. */
  public boolean tooLarge() {
    return tooLarge;
  }
}
