package dev.notify.core.notification;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link FallbackChannel} that only logs, at INFO: a placeholder until a real channel is wired. */
public final class LoggingFallbackChannel implements FallbackChannel {

  private static final Logger log = LoggerFactory.getLogger(LoggingFallbackChannel.class);

  @Override
  public void deliver(StoredNotification notification, Reason reason) {
    log.info("fallback user={} id={} type={}: {}", notification.userId(), notification.id(), notification.type(),
        reason);
  }
}
