package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;

/** {@link NotifyStandalone}: Tyrus and Grizzly, bound to loopback. */
final class StandaloneContainer implements ServedContainer {

  private final NotifyStandalone standalone;

  private StandaloneContainer(NotifyStandalone standalone) {
    this.standalone = standalone;
  }

  static StandaloneContainer start(NotifyServer io) {
    return new StandaloneContainer(NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start());
  }

  @Override
  public int port() {
    return standalone.port();
  }

  @Override
  public void close() {
    standalone.close();
  }

  @Override
  public String toString() {
    return "NotifyStandalone (Tyrus/Grizzly) on " + url();
  }
}
