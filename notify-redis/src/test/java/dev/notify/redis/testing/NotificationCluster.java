package dev.notify.redis.testing;

import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.StoredNotification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The notification nodes of one test, on one adapter key and one store prefix of their own, with the devices and
 * anything else the test opened; {@link #close} closes them newest first and deletes the store's keys. Nodes
 * time acks out after {@link #ACK_TIMEOUT}, retry {@link #MAX_ATTEMPTS} times from {@link #RETRY_DELAY}, and report
 * to {@link #fallbacks()}.
 */
public final class NotificationCluster implements AutoCloseable {

  public static final Duration ACK_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration RETRY_DELAY = Duration.ofMillis(500);
  public static final int MAX_ATTEMPTS = 3;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> fallbacks = new CopyOnWriteArrayList<>();
  private final String adapterKey;
  private final String storePrefix;

  /** @param name a short word for the keys, so a test's leftovers in Redis say whose they are */
  public NotificationCluster(String name) {
    this.adapterKey = RedisExtension.uniqueKey(name + "-adapter");
    this.storePrefix = RedisExtension.uniqueKey(name + "-store");
  }

  public String adapterKey() {
    return adapterKey;
  }

  public String storePrefix() {
    return storePrefix;
  }

  /** What the nodes handed to their fallback channel, as {@code "<reason> <user> <id>"}. */
  public List<String> fallbacks() {
    return fallbacks;
  }

  /** A node on the shared Redis. */
  public NotificationNode node() {
    return node(RedisExtension.url(), b -> b);
  }

  /** A node on {@code redisUrl}, its service tuned further by {@code tune}. */
  public NotificationNode node(String redisUrl, UnaryOperator<NotificationService.Builder> tune) {
    return closeLater(NotificationNode.start(redisUrl, adapterKey, storePrefix, b -> tune.apply(b
        .ackTimeout(ACK_TIMEOUT).retryDelay(RETRY_DELAY).maxAttempts(MAX_ATTEMPTS)
        .fallback((n, reason) -> fallbacks.add(reason + " " + n.userId() + " " + n.id())))));
  }

  /** A device without a device id (the per-user behaviour) that acks when {@code ack}. */
  public Device device(String user, boolean ack, NotificationNode node) {
    return closeLater(Device.connect(user, ack, node.url()));
  }

  /** A device with an id, acking what it gets. */
  public Device device(String user, String deviceId, NotificationNode node) {
    return closeLater(Device.connect(user, deviceId, true, node.url()));
  }

  /** Closes {@code closeable} with the cluster, before what was opened earlier. */
  public <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  public static void awaitServerCount(NotificationNode node, int n) {
    await().atMost(DEADLINE).until(() -> node.io().of("/").adapter().serverCount().get(5, TimeUnit.SECONDS) == n);
  }

  /**
   * Waits until {@code n} devices of {@code user} are in the user's room on the cluster. A client sees its CONNECT
   * before the server's connection handler has joined it to that room; a notification delivered in between reaches
   * only the devices already in it.
   */
  public static void awaitDevicesInRoom(NotificationNode node, String user, int n) {
    await().atMost(DEADLINE).until(() ->
        node.io().in("user:" + user).fetchSockets().get(5, TimeUnit.SECONDS).size() == n);
  }

  /** The stored status, or {@code null} when the store has no such notification. */
  public static NotificationStatus status(NotificationNode node, String user, NotificationId id) throws Exception {
    StoredNotification n = node.store().find(user, id).get(5, TimeUnit.SECONDS);
    return n == null ? null : n.status();
  }

  @Override
  public void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    RedisKeys.deleteStoreKeys(RedisExtension.url(), storePrefix);
  }
}
