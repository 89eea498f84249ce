package dev.notify.core.notification;

import dev.notify.core.internal.LogKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link FallbackChannel} that only logs, at INFO: a placeholder until a real channel is wired. */
public final class LoggingFallbackChannel implements FallbackChannel {

  private static final Logger log = LoggerFactory.getLogger(LoggingFallbackChannel.class);

  @Override
  public void deliver(StoredNotification notification, Reason reason) {
    log.atInfo().addKeyValue(LogKeys.USER, notification.userId())
        .log("fallback {} type={}: {}", notification.id(), notification.type(), reason);
  }
}
