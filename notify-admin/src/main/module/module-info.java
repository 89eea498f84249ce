/**
 * The server side of the official Socket.IO Admin UI: {@code AdminUi.instrument(io, options)}. Jedis is needed only
 * for {@code RedisAdminSessionStore}.
 */
module dev.notify.admin {
  requires transitive dev.notify.core;
  requires spring.security.crypto;
  requires static redis.clients.jedis;
  requires org.slf4j;

  exports dev.notify.admin;
}
