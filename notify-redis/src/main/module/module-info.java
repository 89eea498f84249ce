/**
 * notify on Redis: the cluster adapter and the socket-less emitter, wire-compatible with Node's Socket.IO Redis
 * adapter and emitter, and the Redis stores for notifications, connection state recovery and rate limits. Only
 * {@code dev.notify.redis} is API.
 */
module dev.notify.redis {
  requires transitive dev.notify.core;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2;
  requires jackson.dataformat.msgpack;
  requires msgpack.core;
  requires org.slf4j;

  exports dev.notify.redis;
}
