package dev.notify.core.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where notifications live: each user's inbox with the state of every notification, and the durable queue of
 * deliveries to make. {@link InMemoryNotificationStore} serves one node; notify-redis has one for a cluster.
 *
 * <p>Every state change is atomic: a notification and its delivery job are saved together, a delivery or read
 * mark applies once, and only to the user who owns the notification. Delivery is tracked per device (the devices
 * that acknowledged each notification, bounded by the retention) and per user (pending, delivered at the first
 * device's ack, read). Thread-safe; methods do not block for long
 * (remote work completes the future) and throw no checked exceptions: failures complete the future
 * exceptionally.
 */
public interface NotificationStore {

  /**
   * Saves a new notification (pending) and queues its delivery job, atomically. When the user already has a
   * notification with the same {@link StoredNotification#idempotencyKey()}, saves and queues nothing.
   *
   * @return the id of the stored notification: this one's, or the earlier one's with the same key
   */
  CompletableFuture<NotificationId> save(StoredNotification notification, boolean deliver);

  /** The notification, if {@code userId} owns it. */
  CompletableFuture<StoredNotification> find(String userId, NotificationId id);

  /**
   * Records that devices of {@code userId} acknowledged notifications (devices the store does not know record
   * nothing; an empty collection is a client without device id), and marks those still pending delivered for the
   * user. Ids the user does not own and unknown ones are left alone.
   *
   * @return the ids whose user status changed from pending to delivered
   */
  CompletableFuture<List<NotificationId>> markDelivered(String userId, Collection<String> deviceIds,
      Collection<NotificationId> ids, Instant at);

  /**
   * Marks notifications of {@code userId} read; ids it does not own and unknown ones are left alone.
   *
   * @return the ids that changed
   */
  CompletableFuture<List<NotificationId>> markRead(String userId, Collection<NotificationId> ids, Instant at);

  /** Marks every unread notification of {@code userId} read; returns their ids. */
  CompletableFuture<List<NotificationId>> markAllRead(String userId, Instant at);

  /**
   * Registers a connecting device of {@code userId}, or notes that a known one is seen again. A new device starts
   * as {@code policy} says; past {@code maxDevices} devices, the one seen least recently is forgotten (if it comes
   * back, it is new again).
   */
  CompletableFuture<Void> addDevice(String userId, String deviceId, NewDevicePolicy policy, int maxDevices,
      Instant now);

  /**
   * What a connecting device should get, oldest first, up to {@code limit}, after {@code after} (or from the
   * oldest): the unread, unexpired notifications that device {@code deviceId} has not acknowledged and that are
   * within its {@link NewDevicePolicy} start. With a {@code null} device (a client that sends no device id), the
   * notifications still pending for the user, as no device has acknowledged them.
   */
  CompletableFuture<List<StoredNotification>> undelivered(String userId, String deviceId, NotificationId after,
      int limit, Instant now);

  /** A page of the inbox, newest first; {@code cursor} from the previous page, {@code null} for the first. */
  CompletableFuture<InboxPage> inbox(String userId, String cursor, int limit, Instant now);

  /** How many unexpired notifications of {@code userId} are not read. */
  CompletableFuture<Long> unreadCount(String userId, Instant now);

  // ---- the delivery queue ----

  /**
   * Claims up to {@code max} jobs that are due, urgent before normal before low, for {@code visibility}: a job
   * not completed or retried by then may be claimed again (by another node, if this one died).
   */
  CompletableFuture<List<DeliveryJob>> claim(String consumer, int max, Duration visibility, Instant now);

  /** Removes a finished job from the queue. */
  CompletableFuture<Void> complete(DeliveryJob job);

  /** Puts a job back for another attempt, not before {@code notBefore}. */
  CompletableFuture<Void> retry(DeliveryJob job, Instant notBefore);

  /**
   * Finishes a batch of delivery attempts: each job completed, or put back for {@link DeliveryOutcome#retryAt()}. A
   * store should settle the batch in one round trip; this default makes the calls one by one.
   */
  default CompletableFuture<Void> settle(List<DeliveryOutcome> outcomes) {
    CompletableFuture<?>[] settled = new CompletableFuture<?>[outcomes.size()];
    for (int i = 0; i < settled.length; i++) {
      DeliveryOutcome o = outcomes.get(i);
      settled[i] = o.completes() ? complete(o.job()) : retry(o.job(), o.retryAt());
    }
    return CompletableFuture.allOf(settled);
  }

  /** How many delivery jobs wait or run: the backlog, for metrics. */
  long queueDepth();

  /** Whether the store can be reached, for the server's health; must not block. */
  default boolean available() {
    return true;
  }

  /** Releases what the store holds. */
  default void close() {
  }
}
