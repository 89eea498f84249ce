package dev.notify.core.adapter;

import java.util.Objects;

/**
 * An event to broadcast: its name and arguments as given (POJOs, JSON trees, {@code byte[]}...). An adapter has
 * its namespace {@linkplain AdapterNamespace#encode encode} it once and delivers the result to every target.
 * Immutable.
 */
public final class BroadcastPacket {

  private final String event;
  private final Object[] args;

  public BroadcastPacket(String event, Object[] args) {
    this.event = Objects.requireNonNull(event, "event");
    this.args = args.clone();
  }

  public String event() {
    return event;
  }

  /** The arguments, in order; do not modify. */
  public Object[] args() {
    return args;
  }

  @Override
  public String toString() {
    return "BroadcastPacket{event=" + event + ", args=" + args.length + '}';
  }
}
