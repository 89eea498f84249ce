package dev.notify.core.adapter;

/**
 * What an {@link Adapter} sees of a socket connected to this node: enough to deliver packets, collect acks,
 * disconnect it, and describe it to {@code fetchSockets}. Implemented by the server; thread-safe.
 */
public interface LocalSocket {

  /** The socket id, which is also the name of its private room. */
  String id();

  /**
   * Queues a packet for the client. Encoded once per broadcast, the same packet goes to every target. The adapter
   * reports the deliveries of a broadcast to {@link AdapterNamespace#metrics} at once ({@code eventsSent}).
   *
   * @param packet made by this socket's {@link AdapterNamespace#encode}
   * @param volatilePacket drop it rather than buffer it if the client's transport is busy
   * @return whether it was handed to the socket's connection: {@code false} once the socket is disconnected
   * @throws IllegalArgumentException if another namespace, or something else, made {@code packet}
   */
  boolean deliver(EncodedPacket packet, boolean volatilePacket);

  /**
   * Registers {@code listener} for the ack with id {@code ackId}, then delivers the packet.
   *
   * @param packet made by this socket's {@link AdapterNamespace#encode(BroadcastPacket, long)} with {@code ackId}
   * @throws IllegalArgumentException if another namespace, or something else, made {@code packet}
   */
  void deliverWithAck(EncodedPacket packet, long ackId, AckListener listener);

  /** Disconnects the socket from its namespace; {@code close} also closes the underlying connection. */
  void disconnect(boolean close);

  /** A snapshot for {@code fetchSockets}. */
  SocketDetails details();
}
