package dev.notify.spring;

import dev.notify.core.server.NotifyServer;

/**
 * Contributes handlers to the application's {@link NotifyServer}: every bean of this type is called once, after all
 * singletons exist and before the web server accepts connections, in {@code @Order} order.
 *
 * <pre>{@code
 * @Bean
 * NotifyConfigurer chat() {
 *   return io -> io.onConnection(socket -> socket.join("news"));
 * }
 * }</pre>
 *
 * <p>A callback rather than annotated handler methods: it is the shape of Spring's own {@code WebMvcConfigurer} and
 * {@code WebSocketConfigurer}, and it hands over the whole server API (middlewares, namespaces, acks) without a
 * second, annotation-driven model to learn and keep in step with it.
 *
 * <p>Called on the thread that refreshes the application context.
 */
@FunctionalInterface
public interface NotifyConfigurer {

  void configure(NotifyServer io);
}
