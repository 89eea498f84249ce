package dev.notify.core.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link NotificationStore} in memory, for a single node: inboxes and the delivery queue live in this JVM
 * and are lost with it. Same behaviour as the Redis store otherwise: atomic state changes, urgent jobs first,
 * claimed jobs come back after their visibility timeout, per-user retention by count and age (devices not seen
 * for the retention age are forgotten).
 *
 * <p>Thread-safe (one lock; every operation is short and in memory).
 */
public final class InMemoryNotificationStore implements NotificationStore {

  /** Defaults to 1000: notifications kept per user; the oldest go first. */
  public static final int DEFAULT_MAX_PER_USER = 1000;
  /** Defaults to 30 days: notifications older than this leave the inbox. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);

  private static final Comparator<DeliveryJob> DUE = Comparator.comparing(DeliveryJob::notBefore)
      .thenComparing(DeliveryJob::id);

  private final int maxPerUser;
  private final Duration maxAge;
  private final Map<String, Inbox> inboxes = new HashMap<>();
  private final Map<Priority, PriorityQueue<DeliveryJob>> waiting = new EnumMap<>(Priority.class);
  private final Map<String, Claimed> claimed = new LinkedHashMap<>();
  private long handles;

  private record Claimed(DeliveryJob job, Instant visibleAgain) {
  }

  /** With the default retention. */
  public InMemoryNotificationStore() {
    this(DEFAULT_MAX_PER_USER, DEFAULT_MAX_AGE);
  }

  /**
   * @param maxPerUser notifications kept per user, &gt; 0
   * @param maxAge how long notifications are kept, &gt; 0
   */
  public InMemoryNotificationStore(int maxPerUser, Duration maxAge) {
    if (maxPerUser <= 0) {
      throw new IllegalArgumentException("maxPerUser must be > 0, was " + maxPerUser);
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be > 0, was " + maxAge);
    }
    this.maxPerUser = maxPerUser;
    this.maxAge = maxAge;
    for (Priority priority : Priority.values()) {
      waiting.put(priority, new PriorityQueue<>(DUE));
    }
  }

  @Override
  public synchronized CompletableFuture<NotificationId> save(StoredNotification notification, boolean deliver) {
    Inbox inbox = inboxes.computeIfAbsent(notification.userId(), u -> new Inbox());
    String key = notification.idempotencyKey();
    if (key != null && inbox.byKey.containsKey(key)) {
      return CompletableFuture.completedFuture(inbox.byKey.get(key));
    }
    inbox.items.put(notification.id(), notification);
    if (key != null) {
      inbox.byKey.put(key, notification.id());
    }
    while (inbox.items.size() > maxPerUser) {
      inbox.drop(inbox.items.firstKey());
    }
    if (deliver) {
      waiting.get(notification.priority()).add(new DeliveryJob(notification.id(), notification.userId(),
          notification.priority(), 1, notification.createdAt(), Long.toString(++handles)));
    }
    return CompletableFuture.completedFuture(notification.id());
  }

  @Override
  public synchronized CompletableFuture<StoredNotification> find(String userId, NotificationId id) {
    Inbox inbox = inboxes.get(userId);
    return CompletableFuture.completedFuture(inbox == null ? null : inbox.items.get(id));
  }

  @Override
  public synchronized CompletableFuture<List<NotificationId>> markDelivered(String userId,
      Collection<String> deviceIds, Collection<NotificationId> ids, Instant at) {
    Inbox inbox = inboxes.get(userId);
    for (String deviceId : deviceIds) {
      Device device = inbox == null ? null : inbox.devices.get(Objects.requireNonNull(deviceId, "deviceId"));
      if (device != null) {
        for (NotificationId id : ids) {
          if (inbox.items.containsKey(id)) {
            device.acked.add(id);
          }
        }
      }
    }
    return CompletableFuture.completedFuture(mark(userId, ids, n -> n.status() == NotificationStatus.PENDING,
        n -> n.delivered(at)));
  }

  @Override
  public synchronized CompletableFuture<List<NotificationId>> markRead(String userId,
      Collection<NotificationId> ids, Instant at) {
    return CompletableFuture.completedFuture(mark(userId, ids, n -> n.status() != NotificationStatus.READ,
        n -> n.read(at)));
  }

  /** Applies {@code change} to the notifications of {@code userId} among {@code ids} that {@code applies} to. */
  private List<NotificationId> mark(String userId, Collection<NotificationId> ids,
      Predicate<StoredNotification> applies, UnaryOperator<StoredNotification> change) {
    List<NotificationId> changed = new ArrayList<>();
    Inbox inbox = inboxes.get(userId);
    if (inbox != null) {
      for (NotificationId id : ids) {
        StoredNotification n = inbox.items.get(id);
        if (n != null && applies.test(n)) {
          inbox.items.put(id, change.apply(n));
          changed.add(id);
        }
      }
    }
    return changed;
  }

  @Override
  public synchronized CompletableFuture<List<NotificationId>> markAllRead(String userId, Instant at) {
    List<NotificationId> changed = new ArrayList<>();
    Inbox inbox = inboxes.get(userId);
    if (inbox != null) {
      for (Map.Entry<NotificationId, StoredNotification> e : inbox.items.entrySet()) {
        if (e.getValue().status() != NotificationStatus.READ && !e.getValue().isExpired(at)) {
          e.setValue(e.getValue().read(at));
          changed.add(e.getKey());
        }
      }
    }
    return CompletableFuture.completedFuture(changed);
  }

  @Override
  public synchronized CompletableFuture<Void> addDevice(String userId, String deviceId, NewDevicePolicy policy,
      int maxDevices, Instant now) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(policy, "policy");
    Inbox inbox = retained(userId, now);
    if (inbox == null) {
      inbox = new Inbox();
      inboxes.put(userId, inbox);
    }
    Device device = inbox.devices.get(deviceId);
    if (device == null) {
      while (!inbox.devices.isEmpty() && inbox.devices.size() >= maxDevices) {
        inbox.devices.values().remove(Collections.min(inbox.devices.values(),
            Comparator.comparing((Device d) -> d.lastSeen)));
      }
      device = new Device(inbox.start(policy, now));
      inbox.devices.put(deviceId, device);
    }
    device.lastSeen = now;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<List<StoredNotification>> undelivered(String userId, String deviceId,
      NotificationId after, int limit, Instant now) {
    List<StoredNotification> result = new ArrayList<>();
    Inbox inbox = retained(userId, now);
    if (inbox != null) {
      Device device = deviceId == null ? null : inbox.devices.get(deviceId);
      NotificationId from = device == null || device.since == null ? after
          : after == null || after.compareTo(device.since) < 0 ? device.since : after;
      for (StoredNotification n : (from == null ? inbox.items : inbox.items.tailMap(from, false)).values()) {
        if (result.size() >= limit) {
          break;
        }
        boolean wanted = deviceId == null ? n.status() == NotificationStatus.PENDING
            : n.status() != NotificationStatus.READ && (device == null || !device.acked.contains(n.id()));
        if (wanted && !n.isExpired(now)) {
          result.add(n);
        }
      }
    }
    return CompletableFuture.completedFuture(result);
  }

  @Override
  public synchronized CompletableFuture<InboxPage> inbox(String userId, String cursor, int limit, Instant now) {
    Inbox inbox = retained(userId, now);
    List<StoredNotification> items = new ArrayList<>();
    String next = null;
    if (inbox != null) {
      NotificationId before = cursor == null ? null : NotificationId.parseOrNull(cursor);
      NavigableMap<NotificationId, StoredNotification> view = before == null ? inbox.items.descendingMap()
          : inbox.items.headMap(before, false).descendingMap();
      for (StoredNotification n : view.values()) {
        if (n.isExpired(now)) {
          continue;
        }
        if (items.size() == limit) {
          next = items.get(items.size() - 1).id().toString();
          break;
        }
        items.add(n);
      }
    }
    return CompletableFuture.completedFuture(new InboxPage(items, next));
  }

  @Override
  public synchronized CompletableFuture<Long> unreadCount(String userId, Instant now) {
    Inbox inbox = retained(userId, now);
    long count = inbox == null ? 0 : inbox.items.values().stream()
        .filter(n -> n.status() != NotificationStatus.READ && !n.isExpired(now)).count();
    return CompletableFuture.completedFuture(count);
  }

  @Override
  public synchronized CompletableFuture<List<DeliveryJob>> claim(String consumer, int max, Duration visibility,
      Instant now) {
    for (Iterator<Claimed> it = claimed.values().iterator(); it.hasNext(); ) {
      Claimed c = it.next();
      if (!now.isBefore(c.visibleAgain())) {
        it.remove();
        waiting.get(c.job().priority()).add(c.job());
      }
    }
    List<DeliveryJob> jobs = new ArrayList<>();
    for (Priority priority : Priority.values()) {
      PriorityQueue<DeliveryJob> queue = waiting.get(priority);
      while (jobs.size() < max && !queue.isEmpty() && !queue.peek().notBefore().isAfter(now)) {
        DeliveryJob job = queue.poll();
        claimed.put(job.handle(), new Claimed(job, now.plus(visibility)));
        Inbox inbox = inboxes.get(job.userId());
        StoredNotification n = inbox == null ? null : inbox.items.get(job.id());
        jobs.add(n == null ? job : new DeliveryJob(job.id(), job.userId(), job.priority(), job.attempt(),
            job.notBefore(), job.handle(), n));
      }
    }
    return CompletableFuture.completedFuture(jobs);
  }

  @Override
  public synchronized CompletableFuture<Void> complete(DeliveryJob job) {
    claimed.remove(job.handle());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> retry(DeliveryJob job, Instant notBefore) {
    if (claimed.remove(job.handle()) != null) { // a job settled already is not queued twice
      waiting.get(job.priority()).add(new DeliveryJob(job.id(), job.userId(), job.priority(), job.attempt() + 1,
          notBefore, Long.toString(++handles)));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized long queueDepth() {
    long depth = claimed.size();
    for (PriorityQueue<DeliveryJob> queue : waiting.values()) {
      depth += queue.size();
    }
    return depth;
  }

  /**
   * The inbox with notifications past the retention age removed, and devices not seen for as long; {@code null}
   * when nothing is left.
   */
  private Inbox retained(String userId, Instant now) {
    Inbox inbox = inboxes.get(userId);
    if (inbox == null) {
      return null;
    }
    Instant oldest = now.minus(maxAge);
    while (!inbox.items.isEmpty() && inbox.items.firstEntry().getValue().createdAt().isBefore(oldest)) {
      inbox.drop(inbox.items.firstKey());
    }
    inbox.devices.values().removeIf(d -> d.lastSeen.isBefore(oldest));
    if (inbox.items.isEmpty() && inbox.devices.isEmpty()) {
      inboxes.remove(userId);
      return null;
    }
    return inbox;
  }

  /** One user's notifications, idempotency keys and devices. */
  private static final class Inbox {
    final NavigableMap<NotificationId, StoredNotification> items = new TreeMap<>();
    final Map<String, NotificationId> byKey = new HashMap<>();
    final Map<String, Device> devices = new HashMap<>(4);

    void drop(NotificationId id) {
      StoredNotification n = items.remove(id);
      if (n != null && n.idempotencyKey() != null) {
        byKey.remove(n.idempotencyKey(), id);
      }
      for (Device device : devices.values()) {
        device.acked.remove(id);
      }
    }

    /** Where a new device's catch-up starts: after this id, or from the oldest when {@code null}. */
    NotificationId start(NewDevicePolicy policy, Instant now) {
      if (policy.limit() == 0) {
        return items.isEmpty() ? null : items.lastKey();
      }
      int unread = 0;
      for (StoredNotification n : items.descendingMap().values()) {
        if (n.status() != NotificationStatus.READ && !n.isExpired(now) && ++unread == policy.limit()) {
          return items.lowerKey(n.id());
        }
      }
      return null;
    }
  }

  /** A device of a user: where its catch-up starts, and what it acknowledged since. */
  private static final class Device {
    final NotificationId since;
    final Set<NotificationId> acked = new HashSet<>();
    Instant lastSeen;

    Device(NotificationId since) {
      this.since = since;
    }
  }

  @Override
  public String toString() {
    return "InMemoryNotificationStore{maxPerUser=" + maxPerUser + ", maxAge=" + maxAge + '}';
  }
}
