package dev.notify.spring;

import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.NotificationStore;
import dev.notify.redis.RedisNotificationStore;
import dev.notify.redis.RedisNotificationStoreOptions;

/** The notification store the properties ask for: in Redis when {@code notify.redis.url} is set, else in memory. */
final class NotificationStores {

  private NotificationStores() {
  }

  static NotificationStore of(NotifyProperties p) {
    if (p.redis().url() == null) {
      return new InMemoryNotificationStore();
    }
    requireRedis("notify.notifications.enabled with notify.redis.url");
    return InRedis.of(p);
  }

  /** Fails, naming what needs it, when notify-redis is not on the class path. */
  static void requireRedis(String what) {
    try {
      Class.forName("dev.notify.redis.RedisNotificationStore", false, NotificationStores.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(what + " needs dev.notify:notify-redis on the class path", e);
    }
  }

  /** Loaded only when notify-redis is there. */
  private static final class InRedis {
    static NotificationStore of(NotifyProperties p) {
      RedisNotificationStoreOptions.Builder options = RedisNotificationStoreOptions.builder();
      ServerFromProperties.set("redis.url", "url", p.redis().url(), options::url);
      ServerFromProperties.set("notifications.key-prefix", "keyPrefix", p.notifications().keyPrefix(),
          options::keyPrefix);
      return RedisNotificationStore.create(options.build());
    }
  }
}
