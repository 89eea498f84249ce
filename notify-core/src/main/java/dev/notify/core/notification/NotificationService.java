package dev.notify.core.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.Adapter;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications that reach every device of a user: now if they are online, on their next connection if
 * not, and never silently lost: {@link #send} completes only once the notification is stored, and deliveries
 * are jobs in the store's durable queue.
 *
 * <pre>{@code
 * NotificationService notifications = NotificationService.builder()
 *     .server(io)                                     // delivers on this node: acks, retries, catch-up
 *     .store(new InMemoryNotificationStore())         // RedisNotificationStore for a cluster
 *     .build();
 * notifications.send("42", Notification.of("order", "Order shipped", "Your order #1001 is on its way"));
 * }</pre>
 *
 * <p>Built with {@link Builder#server}, the service also <em>delivers</em> on that node, per device. A device is a
 * client that sends a stable id in its handshake ({@code io({auth: {token, deviceId}})}, see
 * {@link Builder#deviceIdKey}); the auth middleware puts the user id in {@code socket.data()} under
 * {@link Builder#userIdKey}. The node that claims a
 * job from the store's queue asks every node (itself included) to emit {@code notification:new} to the devices of
 * the user it holds; each device's ack is recorded for that device, and the notification becomes
 * {@link NotificationStatus#DELIVERED} for the user at the first one. Devices that did not ack are retried with
 * exponential backoff, up to {@link Builder#maxAttempts} attempts; a user with no device connected, or none that
 * acked, goes to the {@link FallbackChannel}. Every device that connects gets, in {@code notification:batch} pages,
 * the unread notifications it has not acknowledged (a device never seen before: as {@link Builder#newDevices}
 * says); a client without a device id gets what no device of the user acknowledged yet. Its
 * {@code notification:read} and {@code notification:read-all} events mark notifications read for the user and sync
 * every device with {@code notification:read-sync}. Built with {@link Builder#emitter} (a socket-less service with a
 * {@code RedisEmitter}), it only stores and queues; the cluster's nodes deliver.
 *
 * <p>In a cluster, silence is not taken for "offline" while the adapter recovers from a broker outage
 * ({@link Adapter#clusterSettled()}): such attempts are retried without counting. When cluster traffic resumes,
 * each node catches up the devices it holds, so what they missed meanwhile arrives without a reconnection. Every
 * node that holds users' sockets must run a service built with its server, with the same ack timeout.
 *
 * <p>Delivery is at least once per device: clients de-duplicate by notification id. Thread-safe.
 */
public final class NotificationService implements AutoCloseable {

  /** Defaults to 5 s: how long a delivery waits for a device's ack. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);
  /** Defaults to 3: delivery attempts while devices are connected but do not ack. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Defaults to 2 s: the first retry delay, doubled at each attempt. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(2);
  /** Defaults to 100: notifications per {@code notification:batch} page. */
  public static final int DEFAULT_BATCH_SIZE = 100;
  /** Defaults to 1000: ids one {@code notification:read} may carry. */
  public static final int DEFAULT_MAX_READ_IDS = 1000;
  /** Defaults to 100,000: sends accepted but not yet stored; past it, {@link #send} fails fast. */
  public static final int DEFAULT_MAX_PENDING_SENDS = 100_000;
  /** Defaults to 1000: deliveries waiting for acks at once on this node. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  /** Defaults to the ack timeout + 25 s: how long a claimed delivery job stays invisible to other nodes. */
  public static final Duration DEFAULT_VISIBILITY_MARGIN = Duration.ofSeconds(25);
  /** Defaults to {@code "userId"}: the {@code socket.data()} key holding the user id. */
  public static final String DEFAULT_USER_ID_KEY = "userId";
  /** Defaults to {@code "deviceId"}: the handshake {@code auth} (or {@code socket.data()}) key of the device id. */
  public static final String DEFAULT_DEVICE_ID_KEY = "deviceId";
  /** Defaults to 20: devices remembered per user; a new one past it makes the user's least recent one forgotten. */
  public static final int DEFAULT_MAX_DEVICES_PER_USER = 20;
  /** The longest device id taken: 128 characters. */
  public static final int MAX_DEVICE_ID_LENGTH = 128;

  static final String EVENT_NEW = "notification:new";
  static final String EVENT_BATCH = "notification:batch";
  static final String EVENT_READ = "notification:read";
  static final String EVENT_READ_ALL = "notification:read-all";
  static final String EVENT_READ_SYNC = "notification:read-sync";
  static final String EVENT_INBOX = "notification:inbox";
  /** Between nodes: deliver a claimed batch of notifications to the users' devices you hold, answer how it went. */
  static final String EVENT_DELIVER = "notify:deliver";
  /** From a socket-less sender to the nodes: jobs were queued, claim now rather than at the next poll. */
  static final String EVENT_WAKE = "notify:wake";

  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);
  /**
   * What a remote node's answer may take beyond the ack timeout: recording acks, two trips through the broker (the
   * visibility timeout must be longer than both).
   */
  static final Duration REMOTE_MARGIN = Duration.ofSeconds(2);
  /** A socket-less sender wakes the nodes at most once per this delay, for all the jobs it queued meanwhile. */
  private static final long NUDGE_DELAY_MILLIS = 2;

  private final Emitter emitter;
  private final NotificationStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final NotificationId.Generator ids;
  private final int maxPendingSends;
  private final Function<String, String> userRoom;
  private final NotificationPreferences preferences;
  /** The delivering role, on a service built with {@link Builder#server}; {@code null} for a sender. */
  private final Deliverer deliverer;
  /** Runs the deliverer's polls and retries, or a sender's wake-ups of the nodes. */
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final AtomicInteger pendingSends = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean nudging = new AtomicBoolean();

  private NotificationService(Builder b) {
    this.emitter = b.server != null ? b.server : b.emitter;
    this.store = b.store;
    this.mapper = b.server != null ? b.server.mapper() : b.mapper;
    this.clock = b.clock;
    this.ids = new NotificationId.Generator(clock);
    this.maxPendingSends = b.maxPendingSends;
    this.userRoom = b.userRoom;
    this.preferences = b.preferences;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? ownScheduler() : b.scheduler;
    this.deliverer = b.server != null ? new Deliverer(this, b.server, b, scheduler) : null;
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- sending ----

  /**
   * Stores a notification for one user and queues its delivery.
   *
   * @return the id, once stored; {@code null} when the preferences dropped it. Fails with
   *     {@link NotificationException} when the backlog of unstored sends is full or the store failed.
   */
  public CompletableFuture<NotificationId> send(String userId, Notification notification) {
    checkUser(userId);
    Objects.requireNonNull(notification, "notification");
    DeliveryDecision decision = preferences.decide(userId, notification.type());
    if (decision == DeliveryDecision.DROP) {
      return CompletableFuture.completedFuture(null);
    }
    JsonNode data = notification.data() == null ? NullNode.getInstance() : mapper.valueToTree(notification.data());
    return store(userId, notification, data, decision == DeliveryDecision.DELIVER);
  }

  /** Sends to each user; completes when all are stored, with one id per user (null where dropped). */
  public CompletableFuture<List<NotificationId>> send(Collection<String> userIds, Notification notification) {
    Objects.requireNonNull(userIds, "userIds");
    Objects.requireNonNull(notification, "notification");
    Set<String> users = new LinkedHashSet<>(userIds);
    users.forEach(NotificationService::checkUser);
    JsonNode data = notification.data() == null ? NullNode.getInstance() : mapper.valueToTree(notification.data());
    List<CompletableFuture<NotificationId>> futures = new ArrayList<>(users.size());
    for (String userId : users) {
      DeliveryDecision decision = preferences.decide(userId, notification.type());
      futures.add(decision == DeliveryDecision.DROP ? CompletableFuture.completedFuture(null)
          : store(userId, notification, data, decision == DeliveryDecision.DELIVER));
    }
    return allOf(futures);
  }

  /**
   * Sends to the users whose sockets are in {@code room} now, anywhere in the cluster (their user id comes
   * from {@code socket.data()}). Members that are offline are not known and not reached: send to their ids.
   * Needs a service built with {@link Builder#server}.
   */
  public CompletableFuture<List<NotificationId>> sendToRoom(String room, Notification notification) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(notification, "notification");
    if (deliverer == null) {
      throw new IllegalStateException("sendToRoom needs a service built with server(io) (it asks the cluster who "
          + "is in the room); this one only sends, on " + emitter.getClass().getSimpleName());
    }
    return deliverer.usersIn(room).thenCompose(users -> send(users, notification));
  }

  private CompletableFuture<NotificationId> store(String userId, Notification n, JsonNode data, boolean deliver) {
    if (pendingSends.incrementAndGet() > maxPendingSends) {
      pendingSends.decrementAndGet();
      return CompletableFuture.failedFuture(new NotificationException("backlog full: " + maxPendingSends
          + " sends are waiting to be stored"));
    }
    Instant now = clock.instant();
    NotificationId id = ids.next();
    StoredNotification stored = new StoredNotification(id, userId, n.type(), n.title(), n.message(), data,
        n.priority(), now, n.timeToLive() == null ? null : now.plus(n.timeToLive()), NotificationStatus.PENDING,
        null, null, n.idempotencyKey());
    CompletableFuture<NotificationId> saved;
    try {
      saved = store.save(stored, deliver);
    } catch (RuntimeException e) {
      saved = CompletableFuture.failedFuture(e);
    }
    return saved.handle((storedId, error) -> {
      pendingSends.decrementAndGet();
      if (error != null) {
        throw new NotificationException("store failed to save notification " + id + " for user " + userId + ": "
            + unwrap(error).getMessage(), unwrap(error));
      }
      if (deliver && id.equals(storedId)) {
        if (deliverer != null) {
          deliverer.wake();
        } else {
          nudgeNodes();
        }
      }
      return storedId;
    });
  }

  // ---- reading ----

  /** Marks notifications of {@code userId} read and syncs the user's devices; returns the ids that changed. */
  public CompletableFuture<List<NotificationId>> markRead(String userId, Collection<NotificationId> ids) {
    checkUser(userId);
    Objects.requireNonNull(ids, "ids");
    Instant now = clock.instant();
    return store.markRead(userId, List.copyOf(ids), now).thenApply(changed -> readSync(userId, changed, now));
  }

  /** Marks every notification of {@code userId} read and syncs the user's devices. */
  public CompletableFuture<List<NotificationId>> markAllRead(String userId) {
    checkUser(userId);
    Instant now = clock.instant();
    return store.markAllRead(userId, now).thenApply(changed -> readSync(userId, changed, now));
  }

  /** A page of the user's inbox, newest first. */
  public CompletableFuture<InboxPage> inbox(String userId, String cursor, int limit) {
    checkUser(userId);
    if (limit <= 0 || limit > 1000) {
      throw new IllegalArgumentException("limit must be in 1..1000, was " + limit);
    }
    return store.inbox(userId, cursor, limit, clock.instant());
  }

  /** How many notifications of the user are not read. */
  public CompletableFuture<Long> unreadCount(String userId) {
    checkUser(userId);
    return store.unreadCount(userId, clock.instant());
  }

  /** The backlog: sends not yet stored, plus deliveries queued or running. For metrics. */
  public long queueDepth() {
    return pendingSends.get() + store.queueDepth();
  }

  private List<NotificationId> readSync(String userId, List<NotificationId> changed, Instant at) {
    if (!changed.isEmpty()) {
      ObjectNode sync = mapper.createObjectNode();
      ArrayNode list = sync.putArray("ids");
      changed.forEach(id -> list.add(id.toString()));
      sync.put("readAt", at.toString());
      emitter.to(userRoom.apply(userId)).emit(EVENT_READ_SYNC, sync);
    }
    return changed;
  }

  // ---- waking the delivering nodes (a sender) ----

  /** Tells the cluster's nodes that jobs were queued; the sends of the next 2 ms share one message. */
  private void nudgeNodes() {
    if (!closed.get() && nudging.compareAndSet(false, true)) {
      try {
        scheduler.schedule(this::nudge, NUDGE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        nudging.set(false); // closed meanwhile, or the application's scheduler shut down: the nodes poll
      }
    }
  }

  private void nudge() {
    nudging.set(false);
    if (closed.get()) {
      return;
    }
    try {
      emitter.serverSideEmit(EVENT_WAKE);
    } catch (RuntimeException e) {
      log.debug("could not wake the nodes (they claim at their next poll): {}", e.toString());
    }
  }

  // ---- lifecycle ----

  /**
   * Stops delivering from this node: sends already stored stay queued for the others, and sockets that connect
   * later are left alone (no user room, no catch-up). A sender stops waking the nodes (they find its last jobs at
   * their next poll) and its own timer thread ends. Does not close the store.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (deliverer != null) {
        deliverer.close();
      }
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
    }
  }

  /** A daemon thread of the service's own for its timers, when the application gives no scheduler. */
  private static ScheduledExecutorService ownScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "notify-notifications");
      thread.setDaemon(true);
      return thread;
    });
  }

  boolean closed() {
    return closed.get();
  }

  private static void checkUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty()) {
      throw new IllegalArgumentException("userId must not be empty");
    }
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  /** Builds a {@link NotificationService}; each setter checks its value. Not thread-safe. */
  public static final class Builder {
    Emitter emitter;
    NotifyServer server;
    NotificationStore store;
    ObjectMapper mapper;
    Clock clock = Clock.systemUTC();
    Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    Duration retryDelay = DEFAULT_RETRY_DELAY;
    int batchSize = DEFAULT_BATCH_SIZE;
    int maxReadIds = DEFAULT_MAX_READ_IDS;
    int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
    int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    Duration visibilityTimeout;
    String userIdKey = DEFAULT_USER_ID_KEY;
    String deviceIdKey = DEFAULT_DEVICE_ID_KEY;
    NewDevicePolicy newDevices = NewDevicePolicy.unread();
    int maxDevicesPerUser = DEFAULT_MAX_DEVICES_PER_USER;
    Function<String, String> userRoom = id -> "user:" + id;
    NotificationPreferences preferences = NotificationPreferences.DELIVER_ALL;
    FallbackChannel fallback;
    ScheduledExecutorService scheduler;

    private Builder() {
    }

    /**
     * Makes this service deliver on this node's server: it claims delivery jobs, emits to the devices it holds,
     * records their acks, retries, catches connecting devices up and answers their read and inbox events. Every
     * node that holds users' sockets needs one. Either this or {@link #emitter}.
     */
    public Builder server(NotifyServer server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /**
     * Makes this service a sender only, on a socket-less emitter (a {@code RedisEmitter}): it stores and queues,
     * and the cluster's nodes, each with a service built with {@link #server}, deliver. Either this or
     * {@link #server}.
     *
     * @throws IllegalArgumentException for a {@link NotifyServer}: use {@link #server} to deliver on it
     */
    public Builder emitter(Emitter emitter) {
      Objects.requireNonNull(emitter, "emitter");
      if (emitter instanceof NotifyServer) {
        throw new IllegalArgumentException("emitter(...) makes a sender only: to deliver on this NotifyServer, "
            + "use server(io)");
      }
      this.emitter = emitter;
      return this;
    }

    /** Where notifications and delivery jobs live. Defaults to a new {@link InMemoryNotificationStore}. */
    public Builder store(NotificationStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The mapper of notification data, for a sender; a delivering service uses its server's. */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "objectMapper");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a delivery waits for a device's ack; &gt; 0. Defaults to {@link #DEFAULT_ACK_TIMEOUT}. */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = positive("ackTimeout", ackTimeout);
      return this;
    }

    /** Delivery attempts to connected devices; &gt;= 1. Defaults to {@value #DEFAULT_MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = atLeastOne("maxAttempts", maxAttempts);
      return this;
    }

    /** The first retry delay, doubled at each attempt; &gt; 0. Defaults to {@link #DEFAULT_RETRY_DELAY}. */
    public Builder retryDelay(Duration retryDelay) {
      this.retryDelay = positive("retryDelay", retryDelay);
      return this;
    }

    /** Notifications per {@code notification:batch} page; &gt;= 1. Defaults to {@value #DEFAULT_BATCH_SIZE}. */
    public Builder batchSize(int batchSize) {
      this.batchSize = atLeastOne("batchSize", batchSize);
      return this;
    }

    /** Ids one {@code notification:read} may carry; &gt;= 1. Defaults to {@value #DEFAULT_MAX_READ_IDS}. */
    public Builder maxReadIds(int maxReadIds) {
      this.maxReadIds = atLeastOne("maxReadIds", maxReadIds);
      return this;
    }

    /** Sends accepted but not yet stored; &gt;= 1. Defaults to {@value #DEFAULT_MAX_PENDING_SENDS}. */
    public Builder maxPendingSends(int maxPendingSends) {
      this.maxPendingSends = atLeastOne("maxPendingSends", maxPendingSends);
      return this;
    }

    /** Deliveries awaiting acks at once on this node; &gt;= 1. Defaults to {@value #DEFAULT_MAX_IN_FLIGHT}. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = atLeastOne("maxInFlight", maxInFlight);
      return this;
    }

    /**
     * How long a delivery job claimed by this node stays invisible to the others; if this node dies, another one
     * takes the job after it. Must exceed {@link #ackTimeout} + 2 s (the time the other nodes' answers may take).
     * Defaults to the ack timeout + {@link #DEFAULT_VISIBILITY_MARGIN}.
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = positive("visibilityTimeout", visibilityTimeout);
      return this;
    }

    /**
     * The {@code socket.data()} key the auth middleware stores the user id under. Defaults to
     * {@value #DEFAULT_USER_ID_KEY}.
     */
    public Builder userIdKey(String userIdKey) {
      this.userIdKey = Objects.requireNonNull(userIdKey, "userIdKey");
      return this;
    }

    /**
     * The key of the client's stable device id: read from {@code socket.data()} when the auth middleware put it
     * there, else from the handshake's {@code auth} ({@code io({auth: {deviceId}})}). Defaults to
     * {@value #DEFAULT_DEVICE_ID_KEY}.
     */
    public Builder deviceIdKey(String deviceIdKey) {
      this.deviceIdKey = Objects.requireNonNull(deviceIdKey, "deviceIdKey");
      if (deviceIdKey.isEmpty()) {
        throw new IllegalArgumentException("deviceIdKey must not be empty");
      }
      return this;
    }

    /** What a device never seen before gets in its first catch-up. Defaults to {@link NewDevicePolicy#unread()}. */
    public Builder newDevices(NewDevicePolicy newDevices) {
      this.newDevices = Objects.requireNonNull(newDevices, "newDevices");
      return this;
    }

    /**
     * Devices remembered per user; &gt;= 1. Past it, the device seen least recently is forgotten (it is new again if
     * it comes back). Defaults to {@value #DEFAULT_MAX_DEVICES_PER_USER}.
     */
    public Builder maxDevicesPerUser(int maxDevicesPerUser) {
      this.maxDevicesPerUser = atLeastOne("maxDevicesPerUser", maxDevicesPerUser);
      return this;
    }

    /** The room of a user's devices. Defaults to {@code "user:" + id}. */
    public Builder userRoom(Function<String, String> userRoom) {
      this.userRoom = Objects.requireNonNull(userRoom, "userRoom");
      return this;
    }

    /** Decides per user and type. Defaults to delivering everything. */
    public Builder preferences(NotificationPreferences preferences) {
      this.preferences = Objects.requireNonNull(preferences, "preferences");
      return this;
    }

    /** Gets what devices did not acknowledge. Defaults to none. */
    public Builder fallback(FallbackChannel fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * Where a delivering service (on a {@code NotifyServer}) polls the queue, claims jobs and schedules catch-up
     * retries, and where a sender times its wake-up messages to the nodes; share the application's scheduler, or
     * drive time in tests. It must run tasks one at a time or be thread-safe for them (any
     * {@code ScheduledThreadPoolExecutor} is); {@link NotificationService#close()} cancels the service's tasks (a
     * sender's wake-up still due does nothing) and leaves it running. Default: a daemon thread of the service's own,
     * stopped by {@code close()}.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * @throws IllegalStateException with neither a server nor an emitter, with both, or with a visibility timeout
     *     too short for the ack timeout
     */
    public NotificationService build() {
      if ((server == null) == (emitter == null)) {
        throw new IllegalStateException(server == null
            ? "server(io) or emitter(...) is required: server to deliver on a NotifyServer, emitter (a RedisEmitter)"
                + " for a socket-less sender"
            : "server(io) and emitter(...) exclude each other: a service either delivers on a server or only sends");
      }
      if (visibilityTimeout != null && visibilityTimeout.compareTo(ackTimeout.plus(REMOTE_MARGIN)) <= 0) {
        throw new IllegalStateException("visibilityTimeout (" + visibilityTimeout + ") must exceed ackTimeout ("
            + ackTimeout + ") + 2 s (the other nodes' answers), or other nodes take jobs still waiting for acks");
      }
      if (store == null) {
        store = new InMemoryNotificationStore();
      }
      if (mapper == null) {
        mapper = JsonMapper.builder().build();
      }
      return new NotificationService(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0, was " + value);
      }
      return value;
    }

    private static int atLeastOne(String name, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, was " + value);
      }
      return value;
    }
  }
}
