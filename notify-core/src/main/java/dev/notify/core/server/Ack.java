package dev.notify.core.server;

/**
 * Answers a client event that asked for an acknowledgement. The first {@link #send} counts; later ones are
 * ignored. May be called from any thread, later than the handler.
 */
public interface Ack {

  /** An ack for events that asked for none: {@link #send} does nothing. */
  Ack NONE = new Ack() {
    @Override
    public void send(Object... args) {
    }

    @Override
    public boolean requested() {
      return false;
    }
  };

  /** Sends the acknowledgement with these arguments (anything Jackson serializes; binary as attachments). */
  void send(Object... args);

  /** Whether the client asked for an acknowledgement. */
  default boolean requested() {
    return true;
  }
}
