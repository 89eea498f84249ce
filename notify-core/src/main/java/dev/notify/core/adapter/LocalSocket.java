package dev.notify.core.adapter;

import dev.notify.core.internal.protocol.Frame;
import java.util.List;

/**
 * What an {@link Adapter} sees of a socket connected to this node: enough to deliver packets, collect acks,
 * disconnect it, and describe it to {@code fetchSockets}. Implemented by the server; thread-safe.
 */
public interface LocalSocket {

  /** The socket id, which is also the name of its private room. */
  String id();

  /**
   * Queues pre-encoded frames for the client. Encoded once per broadcast, the same frames go to every target.
   *
   * @param volatileFrames drop them rather than buffer them if the client's transport is busy
   */
  void deliver(List<Frame> frames, boolean volatileFrames);

  /** Registers {@code listener} for the ack with id {@code ackId}, then delivers the frames. */
  void deliverWithAck(List<Frame> frames, long ackId, AckListener listener);

  /** Disconnects the socket from its namespace; {@code close} also closes the underlying connection. */
  void disconnect(boolean close);

  /** A snapshot for {@code fetchSockets}. */
  SocketDetails details();
}
