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
 * mark applies once, and only to the user who owns the notification. Thread-safe; methods do not block for long
 * (remote work completes the future) and throw no checked exceptions: failures complete the future
 * exceptionally.
 */
public interface NotificationStore {

  /** Saves a new notification (pending) and queues its delivery job, atomically. */
  CompletableFuture<Void> save(StoredNotification notification, boolean deliver);

  /** The notification, if {@code userId} owns it. */
  CompletableFuture<StoredNotification> find(String userId, NotificationId id);

  /**
   * Marks notifications of {@code userId} delivered; ids it does not own, unknown ones and those already
   * delivered or read are left alone.
   *
   * @return the ids that changed
   */
  CompletableFuture<List<NotificationId>> markDelivered(String userId, Collection<NotificationId> ids, Instant at);

  /**
   * Marks notifications of {@code userId} read; ids it does not own and unknown ones are left alone.
   *
   * @return the ids that changed
   */
  CompletableFuture<List<NotificationId>> markRead(String userId, Collection<NotificationId> ids, Instant at);

  /** Marks every unread notification of {@code userId} read; returns their ids. */
  CompletableFuture<List<NotificationId>> markAllRead(String userId, Instant at);

  /** Up to {@code limit} pending, unexpired notifications of {@code userId} after {@code after} (or from the oldest), oldest first. */
  CompletableFuture<List<StoredNotification>> pending(String userId, NotificationId after, int limit, Instant now);

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

  /** How many delivery jobs wait or run: the backlog, for metrics. */
  long queueDepth();

  /** Releases what the store holds. */
  default void close() {
  }
}
