/**
 * notify's core: the Socket.IO server ({@code dev.notify.core.server}), the adapter SPI for clusters
 * ({@code dev.notify.core.adapter}), the notification engine with its store SPI ({@code dev.notify.core.notification})
 * and the metrics SPI ({@code dev.notify.core.metrics}). The packages under {@code dev.notify.core.internal}
 * (sessions and the transport SPI, long-polling over HTTP, codecs) are for notify's own modules only.
 */
module dev.notify.core {
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.notify.core.server;
  exports dev.notify.core.adapter;
  exports dev.notify.core.adapter.cluster;
  exports dev.notify.core.notification;
  exports dev.notify.core.metrics;

  exports dev.notify.core.internal to dev.notify.redis, dev.notify.jakarta, dev.notify.netty;
  exports dev.notify.core.internal.engine to dev.notify.jakarta, dev.notify.netty;
  exports dev.notify.core.internal.polling to dev.notify.jakarta, dev.notify.netty;
  exports dev.notify.core.internal.protocol to dev.notify.redis, dev.notify.jakarta, dev.notify.netty;
}
