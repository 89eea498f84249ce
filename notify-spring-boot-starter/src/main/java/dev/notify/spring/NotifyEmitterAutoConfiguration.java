package dev.notify.spring;

import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStore;
import dev.notify.redis.RedisEmitter;
import dev.notify.redis.RedisEmitterOptions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * An application that only sends ({@code notify.server.enabled=false}), a web application or not: its
 * {@code Emitter} bean is a {@link RedisEmitter} on {@code notify.redis.url} and {@code notify.redis.key}, whose
 * emits reach the clients of every node of the cluster; with {@code notify.notifications.enabled}, a
 * {@link NotificationService} that stores notifications for the nodes to deliver. Closed with the context.
 */
@AutoConfiguration
@ConditionalOnClass({RedisEmitter.class, NotificationService.class})
@ConditionalOnProperty(name = "notify.server.enabled", havingValue = "false")
@EnableConfigurationProperties(NotifyProperties.class)
public class NotifyEmitterAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  RedisEmitter notifyEmitter(NotifyProperties properties) {
    if (properties.redis().url() == null) {
      throw new IllegalArgumentException("notify.server.enabled=false sends through Redis: set notify.redis.url");
    }
    RedisEmitterOptions.Builder options = RedisEmitterOptions.builder();
    ServerFromProperties.set("redis.url", "url", properties.redis().url(), options::url);
    ServerFromProperties.set("redis.key", "key", properties.redis().key(), options::key);
    return RedisEmitter.create(options.build());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "notify.notifications.enabled", havingValue = "true")
  NotificationStore notifyNotificationStore(NotifyProperties properties) {
    return NotificationStores.of(properties);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "notify.notifications.enabled", havingValue = "true")
  NotificationService notificationService(RedisEmitter emitter, NotificationStore store) {
    return NotificationService.builder().emitter(emitter).store(store).build();
  }
}
