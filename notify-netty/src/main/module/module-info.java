/**
 * notify on Netty: {@code NotifyNetty}, a standalone server for Socket.IO over WebSocket and HTTP long-polling,
 * with TLS, the native epoll transport on Linux and NIO elsewhere.
 */
module dev.notify.netty {
  requires transitive dev.notify.core;
  requires transitive io.netty.handler;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports dev.notify.netty;
}
