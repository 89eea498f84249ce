package dev.notify.jakarta.notification;

import dev.notify.core.notification.DeliveryJob;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.NewDevicePolicy;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStore;
import dev.notify.core.notification.StoredNotification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link dev.notify.core.notification.InMemoryNotificationStore} (or any store) whose deliveries or saves a
 * test can hold: while claims are paused, {@code claim} finds nothing, so the backlog stays exactly as sent; while
 * saves are paused, {@code save} completes only on {@link #resumeSaves()}, as a slow remote store would.
 * Thread-safe.
 */
final class PausableStore implements NotificationStore {

  private final NotificationStore delegate;
  private boolean claimsPaused;
  private boolean savesPaused;
  private final List<Runnable> heldSaves = new ArrayList<>();

  PausableStore(NotificationStore delegate) {
    this.delegate = delegate;
  }

  synchronized PausableStore pauseClaims() {
    claimsPaused = true;
    return this;
  }

  synchronized void resumeClaims() {
    claimsPaused = false;
  }

  synchronized PausableStore pauseSaves() {
    savesPaused = true;
    return this;
  }

  /** Saves what was held, in order, and saves at once from now on. */
  void resumeSaves() {
    List<Runnable> held;
    synchronized (this) {
      savesPaused = false;
      held = List.copyOf(heldSaves);
      heldSaves.clear();
    }
    held.forEach(Runnable::run);
  }

  @Override
  public CompletableFuture<NotificationId> save(StoredNotification notification, boolean deliver) {
    synchronized (this) {
      if (savesPaused) {
        CompletableFuture<NotificationId> later = new CompletableFuture<>();
        heldSaves.add(() -> delegate.save(notification, deliver).whenComplete((v, e) -> {
          if (e != null) {
            later.completeExceptionally(e);
          } else {
            later.complete(v);
          }
        }));
        return later;
      }
    }
    return delegate.save(notification, deliver);
  }

  @Override
  public CompletableFuture<List<DeliveryJob>> claim(String consumer, int max, Duration visibility, Instant now) {
    synchronized (this) {
      if (claimsPaused) {
        return CompletableFuture.completedFuture(List.of());
      }
    }
    return delegate.claim(consumer, max, visibility, now);
  }

  @Override
  public CompletableFuture<StoredNotification> find(String userId, NotificationId id) {
    return delegate.find(userId, id);
  }

  @Override
  public CompletableFuture<List<NotificationId>> markDelivered(String userId, Collection<String> deviceIds,
      Collection<NotificationId> ids, Instant at) {
    return delegate.markDelivered(userId, deviceIds, ids, at);
  }

  @Override
  public CompletableFuture<List<NotificationId>> markRead(String userId, Collection<NotificationId> ids, Instant at) {
    return delegate.markRead(userId, ids, at);
  }

  @Override
  public CompletableFuture<List<NotificationId>> markAllRead(String userId, Instant at) {
    return delegate.markAllRead(userId, at);
  }

  @Override
  public CompletableFuture<Void> addDevice(String userId, String deviceId, NewDevicePolicy policy, int maxDevices,
      Instant now) {
    return delegate.addDevice(userId, deviceId, policy, maxDevices, now);
  }

  @Override
  public CompletableFuture<List<StoredNotification>> undelivered(String userId, String deviceId,
      NotificationId after, int limit, Instant now) {
    return delegate.undelivered(userId, deviceId, after, limit, now);
  }

  @Override
  public CompletableFuture<InboxPage> inbox(String userId, String cursor, int limit, Instant now) {
    return delegate.inbox(userId, cursor, limit, now);
  }

  @Override
  public CompletableFuture<Long> unreadCount(String userId, Instant now) {
    return delegate.unreadCount(userId, now);
  }

  @Override
  public CompletableFuture<Void> complete(DeliveryJob job) {
    return delegate.complete(job);
  }

  @Override
  public CompletableFuture<Void> retry(DeliveryJob job, Instant notBefore) {
    return delegate.retry(job, notBefore);
  }

  @Override
  public long queueDepth() {
    return delegate.queueDepth();
  }
}
