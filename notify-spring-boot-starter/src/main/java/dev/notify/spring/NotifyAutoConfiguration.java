package dev.notify.spring;

import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStore;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyServlet;
import dev.notify.micrometer.MicrometerMetrics;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterOptions;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A Socket.IO endpoint in a Spring Boot servlet application's embedded server: one {@link NotifyServer} bean
 * (also the application's {@code Emitter}) configured from {@link NotifyProperties}, handlers from
 * {@link NotifyConfigurer} beans, the Redis adapter when {@code notify.redis.url} is set (notify-redis), metrics in
 * the {@code MeterRegistry} (notify-micrometer), a {@link NotificationService} when
 * {@code notify.notifications.enabled}, and the transports mounted at {@code notify.path} of the embedded Tomcat or
 * Jetty. Closed with the application context, the notification service before the server. Off with
 * {@code notify.server.enabled=false}: see {@link NotifyEmitterAutoConfiguration}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
    "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration"})
@ConditionalOnClass({NotifyServer.class, NotifyServlet.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "notify.server.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(NotifyProperties.class)
public class NotifyAutoConfiguration {

  /** The builder of the server, before the optional modules add to it. */
  @FunctionalInterface
  interface BuilderCustomizer {
    void customize(NotifyServer.Builder builder);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  NotifyServer notifyServer(NotifyProperties properties, ObjectProvider<BuilderCustomizer> customizers) {
    NotifyServer.Builder builder = ServerFromProperties.builder(properties);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return ServerFromProperties.build(builder);
  }

  /**
   * Applies the configurers once every singleton exists: they may depend on beans that depend on the server
   * itself, and the web server accepts connections only later, when the context has refreshed.
   */
  @Bean
  static SmartInitializingSingleton notifyConfigurers(ObjectProvider<NotifyServer> server,
      ObjectProvider<NotifyConfigurer> configurers) {
    return () -> {
      NotifyServer io = server.getObject();
      configurers.orderedStream().forEach(c -> c.configure(io));
    };
  }

  /** The notification engine on this application's server, when {@code notify.notifications.enabled}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "notify.notifications.enabled", havingValue = "true")
  static class NotificationsConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    NotificationStore notifyNotificationStore(NotifyProperties properties) {
      return NotificationStores.of(properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    NotificationService notificationService(NotifyServer io, NotificationStore store) {
      return NotificationService.builder().server(io).store(store).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisAdapter.class)
  @ConditionalOnProperty("notify.redis.url")
  static class RedisConfiguration {

    @Bean
    BuilderCustomizer notifyRedisAdapter(NotifyProperties properties) {
      RedisAdapterOptions.Builder options = RedisAdapterOptions.builder();
      ServerFromProperties.set("redis.url", "url", properties.redis().url(), options::url);
      ServerFromProperties.set("redis.key", "key", properties.redis().key(), options::key);
      RedisAdapterOptions built = options.build();
      // one factory per server: it owns the Redis connections, which the server closes with its adapters
      return builder -> builder.adapter(RedisAdapter.factory(built));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MicrometerMetrics.class, MeterRegistry.class})
  static class MetricsConfiguration {

    @Bean
    BuilderCustomizer notifyMetrics(ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifUnique(r -> builder.metrics(MicrometerMetrics.of(r)));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "notifyHealthIndicator")
    HealthIndicator notifyHealthIndicator(ObjectProvider<NotifyServer> server) {
      return new NotifyHealthIndicator(server);
    }
  }

  /**
   * Mounts the transports on the embedded Tomcat. Not with a {@code ServletContextInitializer}: Spring Boot 4 runs
   * those before Tomcat's WebSocket initializer ({@code WsSci}, which a context customizer adds after them), so the
   * {@code ServerContainer} would not exist yet. Ours is added when the context starts configuring, after every
   * customizer ran, so it comes last whatever order the customizers have.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({Tomcat.class, ConfigurableTomcatWebServerFactory.class})
  static class TomcatConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> notifyTomcatMount(
        ObjectProvider<NotifyServer> server) {
      ServletContainerInitializer mount = mountInitializer(server);
      return factory -> factory.addContextCustomizers(context -> context.addLifecycleListener(event -> {
        if (Lifecycle.CONFIGURE_START_EVENT.equals(event.getType())) {
          context.addServletContainerInitializer(mount, null);
        }
      }));
    }
  }

  /**
   * Mounts the transports on the embedded Jetty. Not with a {@code ServletContextInitializer} either: Boot calls
   * those in the first of the web application's configurations, and creates the {@code ServerContainer} in a later
   * one. Initializers added to the context before it starts run after every configuration, whatever their order.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebAppContext.class, JettyServletWebServerFactory.class})
  static class JettyConfiguration {

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> notifyJettyMount(ObjectProvider<NotifyServer> server) {
      ServletContainerInitializer mount = mountInitializer(server);
      return factory -> factory.addServerCustomizers(
          jetty -> jetty.getDescendant(WebAppContext.class).addServletContainerInitializer(mount));
    }
  }

  /**
   * Spring Boot 3 loads this auto-configuration too, but has none of the server hooks above (Boot 4 moved them to
   * other packages): the application would start with a server that no client can reach. Fail instead.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("org.springframework.boot.EnvironmentPostProcessor") // new in Boot 4.0
  static class UnsupportedBootConfiguration {

    UnsupportedBootConfiguration() {
      throw new IllegalStateException("notify-spring-boot-starter needs Spring Boot 4.0 or later, the application "
          + "has Spring Boot " + SpringBootVersion.getVersion() + ": upgrade it, or mount notify yourself with "
          + "NotifyServlet.install(servletContext, io) (notify-jakarta)");
    }
  }

  private static ServletContainerInitializer mountInitializer(ObjectProvider<NotifyServer> server) {
    return (classes, servletContext) -> mount(servletContext, server.getObject());
  }

  static void mount(ServletContext servletContext, NotifyServer io) {
    try {
      NotifyServlet.install(servletContext, io);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("notify cannot mount its transports at " + io.options().engine().path()
          + ": " + e.getMessage() + " (on Tomcat: org.apache.tomcat.embed:tomcat-embed-websocket, which "
          + "spring-boot-starter-tomcat brings; on Jetty: jetty-ee11-websocket-jakarta-server, which "
          + "spring-boot-starter-jetty brings)", e);
    }
  }
}
