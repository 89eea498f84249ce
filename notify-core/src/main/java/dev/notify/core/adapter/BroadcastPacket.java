package dev.notify.core.adapter;

import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.internal.protocol.SocketPacket;
import dev.notify.core.internal.protocol.SocketPacketEncoder;
import java.util.List;
import java.util.Objects;

/**
 * An event to broadcast: its name and arguments as given (POJOs, JSON trees, {@code byte[]}...). It encodes
 * itself once, on first use, and every target shares the frames. Thread-safe.
 */
public final class BroadcastPacket {

  private final String event;
  private final Object[] args;
  private volatile List<Frame> frames;

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

  /** The frames of this event without ack id, encoded on first call. */
  public List<Frame> frames(SocketPacketEncoder encoder, String namespace) {
    List<Frame> f = frames;
    if (f == null) {
      f = encoder.encodeEvent(namespace, SocketPacket.NO_ACK, event, args);
      frames = f;
    }
    return f;
  }

  /** The frames of this event asking for an ack with {@code ackId}; encoded on every call. */
  public List<Frame> frames(SocketPacketEncoder encoder, String namespace, long ackId) {
    return encoder.encodeEvent(namespace, ackId, event, args);
  }

  @Override
  public String toString() {
    return "BroadcastPacket{event=" + event + ", args=" + args.length + '}';
  }
}
