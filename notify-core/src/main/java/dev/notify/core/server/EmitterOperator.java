package dev.notify.core.server;

/**
 * A broadcast being aimed: each modifier returns a new operator and leaves this one as it was, so operators can
 * be kept, shared between threads and reused. {@code emit} and the socket operations are terminal.
 *
 * <pre>{@code
 * emitter.to("user:42").except("device:7").emit("notification:new", notification);
 * }</pre>
 */
public interface EmitterOperator {

  /** Also targets these rooms (a socket in several of them gets the event once). */
  EmitterOperator to(String... rooms);

  /** Same as {@link #to}. */
  EmitterOperator in(String... rooms);

  /** Leaves out the sockets in these rooms. */
  EmitterOperator except(String... rooms);

  /** Socket.IO's {@code volatile} flag ({@code volatile} is a Java keyword): the event may be dropped for clients that are not ready to receive it. */
  EmitterOperator asVolatile();

  /** Socket.IO's {@code compress} flag. */
  EmitterOperator compress(boolean compress);

  /**
   * Sends an event to every targeted socket, on every node.
   *
   * @param event the event name; not a reserved one ({@code connect}, {@code disconnect}...)
   * @param args the arguments: anything Jackson serializes, {@code byte[]} and {@code ByteBuffer} as binary
   * @throws IllegalArgumentException for a reserved or null event name, or arguments Jackson cannot serialize
   */
  void emit(String event, Object... args);

  /** Makes the targeted sockets join rooms. */
  void socketsJoin(String... rooms);

  /** Makes the targeted sockets leave rooms. */
  void socketsLeave(String... rooms);

  /** Disconnects the targeted sockets; {@code close} also closes their underlying connections. */
  void disconnectSockets(boolean close);
}
