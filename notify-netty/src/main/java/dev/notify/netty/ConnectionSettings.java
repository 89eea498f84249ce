package dev.notify.netty;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * What every connection of one {@link NotifyNetty} shares; {@code sslContext} is {@code null} without TLS,
 * {@code health} without a health path.
 */
record ConnectionSettings(SslContext sslContext, Duration requestHeadTimeout, Duration requestBodyTimeout,
    Duration unwritableTimeout, HealthEndpoint health) {
}
