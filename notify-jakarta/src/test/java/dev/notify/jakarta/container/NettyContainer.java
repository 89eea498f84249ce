package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import dev.notify.netty.NotifyNetty;

/** {@link NotifyNetty}, bound to loopback. */
final class NettyContainer implements ServedContainer {

  private final NotifyNetty netty;

  private NettyContainer(NotifyNetty netty) {
    this.netty = netty;
  }

  static NettyContainer start(NotifyServer io) {
    return new NettyContainer(NotifyNetty.builder().host("127.0.0.1").port(0).add(io).start());
  }

  @Override
  public int port() {
    return netty.port();
  }

  @Override
  public void close() {
    netty.close();
  }

  @Override
  public String toString() {
    return "NotifyNetty on " + url();
  }
}
