package dev.notify.redis;

/**
 * Which channels a {@link RedisMode#SHARDED} node subscribes to, as the Node adapter's {@code subscriptionMode}. All
 * nodes of a cluster should use the same mode. Ignored in {@link RedisMode#CLASSIC} mode.
 */
public enum SubscriptionMode {

  /**
   * Everything on the namespace channel. Every message a node or emitter publishes is applied by the others in
   * publish order, {@code socketsJoin} then a broadcast to the joined room included.
   */
  STATIC,

  /**
   * The Node adapter's default: a broadcast without ack to exactly one public room (not a socket id) goes on that
   * room's channel, which only the nodes with members in that room subscribe to. Saves traffic for many small
   * rooms; but a broadcast to a room a node joins through {@code socketsJoin} just before may miss that node
   * (it subscribes to the room channel when it applies the join), and messages on different channels are not
   * ordered with one another. (Node's third mode, {@code dynamic-private}, is not supported: a Node node using it
   * sends {@code to(socketId)} broadcasts on a channel notify nodes do not subscribe to.)
   */
  DYNAMIC
}
