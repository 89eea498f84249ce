package dev.notify.redis.internal;

/** A message on one of our channels that no codec understands; {@code kind} groups them for rate-limited logs. */
public final class MalformedMessageException extends Exception {

  private final String kind;

  public MalformedMessageException(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public MalformedMessageException(String kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  public String kind() {
    return kind;
  }
}
