package dev.notify.redis.internal;

import dev.notify.redis.RedisConnectionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one adapter factory (all the namespaces of a server) or one emitter shares: the Redis connector, the
 * publisher thread, the subscriber connections, and the outage log. Thread-safe.
 */
public final class RedisResources implements AutoCloseable {

  private final RedisConnector connector;
  private final Health health;
  private final Publisher publisher;
  private final Subscriber subscriber;
  private final Set<String> members = ConcurrentHashMap.newKeySet();

  /**
   * @param subscriptions whether to open subscriptions (adapters) or only publish (emitters)
   * @param role names the publisher thread: {@code adapter} or {@code emitter}
   */
  public RedisResources(RedisConnectionOptions connection, int publishQueueCapacity, Duration reconnectMinDelay,
      Duration reconnectMaxDelay, Duration healthCheckInterval, boolean subscriptions, String role) {
    this.connector = new RedisConnector(connection);
    this.health = new Health(this::label);
    this.publisher = new Publisher(connector, publishQueueCapacity, health, reconnectMinDelay, reconnectMaxDelay,
        "notify-redis-" + role + "-pub");
    this.subscriber = subscriptions
        ? new Subscriber(connector, health, reconnectMinDelay, reconnectMaxDelay, healthCheckInterval) : null;
  }

  public RedisConnector connector() {
    return connector;
  }

  public Publisher publisher() {
    return publisher;
  }

  public Subscriber subscriber() {
    return subscriber;
  }

  public Health health() {
    return health;
  }

  /** Adds {@code node=<uid> nsp=<nsp>} to the outage log lines. */
  public void addMember(String member) {
    members.add(member);
  }

  public void removeMember(String member) {
    members.remove(member);
  }

  private String label() {
    List<String> list = new ArrayList<>(members);
    return "redis=" + connector.describe() + (list.isEmpty() ? "" : " " + String.join(", ", list));
  }

  @Override
  public void close() {
    if (subscriber != null) {
      subscriber.close();
    }
    publisher.close();
    connector.close();
  }
}
