package dev.notify.core.protocol;

/**
 * Malformed Engine.IO or Socket.IO input. The only exception the protocol codecs throw for bad input; the
 * message says what was wrong, in the words of the spec where it has some, and is safe to log.
 */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
