package dev.notify.core.server;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The emits of one socket with flags set: an ack timeout, or {@code volatile}. Immutable; the modifiers return
 * new instances.
 */
public final class SocketEmitter {

  private final ServerSocket socket;
  private final Duration timeout;
  private final boolean volatileFlag;

  SocketEmitter(ServerSocket socket, Duration timeout, boolean volatileFlag) {
    this.socket = socket;
    this.timeout = timeout;
    this.volatileFlag = volatileFlag;
  }

  /** With an ack timeout; &gt; 0. */
  public SocketEmitter timeout(Duration timeout) {
    return new SocketEmitter(socket, BroadcastOperator.checkTimeout(timeout), volatileFlag);
  }

  /** With Socket.IO's {@code volatile} flag. */
  public SocketEmitter asVolatile() {
    return new SocketEmitter(socket, timeout, true);
  }

  /** See {@link Socket#emit}. */
  public void emit(String event, Object... args) {
    socket.emit(event, args, volatileFlag);
  }

  /** See {@link Socket#emitWithAck}; fails with {@link AckTimeoutException} when the timeout passes. */
  public CompletableFuture<Args> emitWithAck(String event, Object... args) {
    Objects.requireNonNull(args, "args");
    return socket.emitWithAck(event, args, timeout, volatileFlag);
  }
}
