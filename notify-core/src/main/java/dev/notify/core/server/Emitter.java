package dev.notify.core.server;

/**
 * What business code uses to reach clients: aim with {@code to} / {@code in} / {@code except}, pick a namespace
 * with {@link #of}, and {@code emit}. A {@code NotifyServer} is one (reaching its own clients and, through its
 * adapter, the whole cluster); so is the socket-less {@code RedisEmitter} of notify-redis, for services that hold
 * no connections.
 *
 * <p>Thread-safe: call it from any thread.
 */
public interface Emitter extends EmitterOperator {

  /** The emitter of another namespace, such as {@code "/admin"}. */
  Emitter of(String namespace);

  /**
   * Sends an event to the {@code serverSideEmit} handlers of the namespace on every other node.
   *
   * @throws IllegalArgumentException for a reserved or null event name
   */
  void serverSideEmit(String event, Object... args);
}
