package dev.notify.core.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.Emitter;
import dev.notify.core.server.AckTimeoutException;
import dev.notify.core.server.Args;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 *     .emitter(io)                                    // a NotifyServer: delivers, tracks acks, catches up
 *     .store(new InMemoryNotificationStore())         // RedisNotificationStore for a cluster
 *     .build();
 * notifications.send("42", Notification.of("order", "Order shipped", "Your order #1001 is on its way"));
 * }</pre>
 *
 * <p>Built on a {@link NotifyServer}, the service also <em>delivers</em>: it takes jobs from the store's queue,
 * emits {@code notification:new} to room {@code user:<id>} asking for an ack, marks the notification delivered
 * at the first device's ack, retries with exponential backoff, and hands what stays unacknowledged to the
 * {@link FallbackChannel}. When a socket of a user connects (the auth middleware put the user id in
 * {@code socket.data()} under {@link Builder#userIdKey}), it joins the user's room and receives the pending
 * notifications in {@code notification:batch} pages; its {@code notification:read} and
 * {@code notification:read-all} events mark notifications read and sync every device of the user with
 * {@code notification:read-sync}. Built on another {@link Emitter} (a socket-less service with a
 * {@code RedisEmitter}), it only stores and queues; the cluster's nodes deliver.
 *
 * <p>Delivery is at least once: clients de-duplicate by notification id. Thread-safe.
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
  /** Defaults to {@code "userId"}: the {@code socket.data()} key holding the user id. */
  public static final String DEFAULT_USER_ID_KEY = "userId";

  static final String EVENT_NEW = "notification:new";
  static final String EVENT_BATCH = "notification:batch";
  static final String EVENT_READ = "notification:read";
  static final String EVENT_READ_ALL = "notification:read-all";
  static final String EVENT_READ_SYNC = "notification:read-sync";
  static final String EVENT_INBOX = "notification:inbox";

  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final Emitter emitter;
  private final NotifyServer server;
  private final NotificationStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final NotificationId.Generator ids;
  private final Duration ackTimeout;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final int batchSize;
  private final int maxReadIds;
  private final int maxPendingSends;
  private final int maxInFlight;
  private final String userIdKey;
  private final Function<String, String> userRoom;
  private final NotificationPreferences preferences;
  private final FallbackChannel fallback;
  private final ScheduledExecutorService scheduler;
  private final String consumer = "notify-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger pendingSends = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean claiming = new AtomicBoolean();
  private final AtomicBoolean woken = new AtomicBoolean();
  private final AtomicBoolean claimAgain = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledFuture<?> poller;

  private NotificationService(Builder b) {
    this.emitter = b.emitter;
    this.server = b.emitter instanceof NotifyServer io ? io : null;
    this.store = b.store;
    this.mapper = server != null ? server.mapper() : b.mapper;
    this.clock = b.clock;
    this.ids = new NotificationId.Generator(clock);
    this.ackTimeout = b.ackTimeout;
    this.maxAttempts = b.maxAttempts;
    this.retryDelay = b.retryDelay;
    this.batchSize = b.batchSize;
    this.maxReadIds = b.maxReadIds;
    this.maxPendingSends = b.maxPendingSends;
    this.maxInFlight = b.maxInFlight;
    this.userIdKey = b.userIdKey;
    this.userRoom = b.userRoom;
    this.preferences = b.preferences;
    this.fallback = b.fallback;
    if (server != null) {
      this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "notify-notifications");
        thread.setDaemon(true);
        return thread;
      });
      this.poller = scheduler.scheduleWithFixedDelay(this::claimJobs, POLL_INTERVAL.toMillis(),
          POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      server.onConnection(this::onConnection);
    } else {
      this.scheduler = null;
      this.poller = null;
    }
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
   * Needs a service built on a {@link NotifyServer}.
   */
  public CompletableFuture<List<NotificationId>> sendToRoom(String room, Notification notification) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(notification, "notification");
    if (server == null) {
      throw new IllegalStateException("sendToRoom needs a service built on a NotifyServer (it asks the cluster "
          + "who is in the room); this one has " + emitter.getClass().getSimpleName());
    }
    return server.in(room).fetchSockets().thenCompose(sockets -> {
      Set<String> users = new LinkedHashSet<>();
      sockets.forEach(s -> {
        JsonNode id = s.data().path(userIdKey);
        if (id.isValueNode() && !id.asText().isEmpty()) {
          users.add(id.asText());
        }
      });
      return send(users, notification);
    });
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
        null, null);
    CompletableFuture<Void> saved;
    try {
      saved = store.save(stored, deliver);
    } catch (RuntimeException e) {
      saved = CompletableFuture.failedFuture(e);
    }
    return saved.handle((v, error) -> {
      pendingSends.decrementAndGet();
      if (error != null) {
        throw new NotificationException("store failed to save notification " + id + " for user " + userId + ": "
            + unwrap(error).getMessage(), unwrap(error));
      }
      if (deliver) {
        wake();
      }
      return id;
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

  // ---- delivering (on a NotifyServer) ----

  /** Claims jobs soon; many wakes before that coalesce into one claim. */
  private void wake() {
    if (scheduler != null && !closed.get() && woken.compareAndSet(false, true)) {
      scheduler.execute(() -> {
        woken.set(false);
        claimJobs();
      });
    }
  }

  private void claimJobs() {
    if (closed.get()) {
      return;
    }
    if (!claiming.compareAndSet(false, true)) {
      claimAgain.set(true);
      return;
    }
    int room = maxInFlight - inFlight.get();
    if (room <= 0) {
      claiming.set(false);
      return;
    }
    Instant now = clock.instant();
    CompletableFuture<List<DeliveryJob>> claimed;
    try {
      claimed = store.claim(consumer, Math.min(room, 100), ackTimeout.plus(Duration.ofSeconds(25)), now);
    } catch (RuntimeException e) {
      claimed = CompletableFuture.failedFuture(e);
    }
    claimed.whenComplete((jobs, error) -> {
      claiming.set(false);
      if (error != null) {
        claimAgain.set(false);
        log.warn("claiming delivery jobs failed: {}", unwrap(error).toString());
        return;
      }
      for (DeliveryJob job : jobs) {
        inFlight.incrementAndGet();
        deliver(job).whenComplete((v, e) -> {
          if (inFlight.getAndDecrement() == maxInFlight) {
            wake();
          }
          if (e != null) {
            log.warn("delivery of {} to user {} failed: {}", job.id(), job.userId(), unwrap(e).toString());
          }
        });
      }
      if (claimAgain.getAndSet(false) || jobs.size() == Math.min(room, 100)) {
        wake();
      }
    });
  }

  private CompletableFuture<Void> deliver(DeliveryJob job) {
    return store.find(job.userId(), job.id()).thenCompose(n -> {
      Instant now = clock.instant();
      if (n == null || n.status() != NotificationStatus.PENDING || n.isExpired(now)) {
        return store.complete(job);
      }
      // The first device's ack marks it delivered. No answer because no device was connected means offline; a
      // timeout means that devices were there but none answered: retried. The two must not be confused, or a
      // device that does not ack is taken for an offline user and never retried.
      return server.in(userRoom.apply(job.userId())).timeout(ackTimeout).emitWithFirstAck(EVENT_NEW, toJson(n))
          .handle((answer, error) -> error == null ? new Attempt(answer != null, answer == null)
              : new Attempt(false, false))
          .thenCompose(attempt -> afterAttempt(job, n, attempt));
    });
  }

  /** What an attempt got: an ack from a device, or no device at all to answer. */
  private record Attempt(boolean acknowledged, boolean offline) {
  }

  private CompletableFuture<Void> afterAttempt(DeliveryJob job, StoredNotification n, Attempt attempt) {
    Instant now = clock.instant();
    if (attempt.acknowledged()) {
      return store.markDelivered(job.userId(), List.of(job.id()), now).thenCompose(c -> store.complete(job));
    }
    boolean offline = attempt.offline();
    if (!offline && job.attempt() < maxAttempts) {
      Duration delay = retryDelay.multipliedBy(1L << Math.min(job.attempt() - 1, 20));
      return store.retry(job, now.plus(delay));
    }
    return store.complete(job).thenRun(() -> fallback(n, offline ? FallbackChannel.Reason.OFFLINE
        : FallbackChannel.Reason.NOT_ACKNOWLEDGED));
  }

  private void fallback(StoredNotification n, FallbackChannel.Reason reason) {
    if (fallback == null) {
      return;
    }
    try {
      fallback.deliver(n, reason);
    } catch (RuntimeException e) {
      log.warn("fallback channel failed for {} of user {}", n.id(), n.userId(), e);
    }
  }

  // ---- sockets of users (on a NotifyServer) ----

  private void onConnection(Socket socket) {
    Object user = socket.data().get(userIdKey);
    if (user == null || user.toString().isEmpty()) {
      return;
    }
    String userId = user.toString();
    socket.join(userRoom.apply(userId));
    socket.on(EVENT_READ, (args, ack) -> onRead(userId, args, ack));
    socket.on(EVENT_READ_ALL, (args, ack) -> markAllRead(userId).whenComplete((ids, e) ->
        ack.send(e == null ? answer(ids) : error("could not mark notifications read"))));
    socket.on(EVENT_INBOX, (args, ack) -> onInbox(userId, args, ack));
    catchUp(socket, userId, null);
  }

  private void onRead(String userId, Args args, dev.notify.core.server.Ack ack) {
    JsonNode arg = args.get(0);
    List<NotificationId> requested = new ArrayList<>();
    if (arg.isTextual()) {
      NotificationId id = NotificationId.parseOrNull(arg.textValue());
      if (id == null) {
        ack.send(error("not a notification id"));
        return;
      }
      requested.add(id);
    } else if (arg.isArray()) {
      if (arg.size() > maxReadIds) {
        ack.send(error("too many ids: " + arg.size() + ", at most " + maxReadIds));
        return;
      }
      for (JsonNode element : arg) {
        NotificationId id = element.isTextual() ? NotificationId.parseOrNull(element.textValue()) : null;
        if (id == null) {
          ack.send(error("not a notification id: " + abbreviate(element.toString())));
          return;
        }
        requested.add(id);
      }
    } else {
      ack.send(error("expected a notification id or an array of ids"));
      return;
    }
    markRead(userId, requested).whenComplete((ids, e) ->
        ack.send(e == null ? answer(ids) : error("could not mark notifications read")));
  }

  private void onInbox(String userId, Args args, dev.notify.core.server.Ack ack) {
    JsonNode options = args.get(0);
    String cursor = options.path("cursor").isTextual() ? options.path("cursor").textValue() : null;
    int limit = options.path("limit").isInt() ? options.path("limit").intValue() : 20;
    if (limit <= 0 || limit > 100) {
      ack.send(error("limit must be in 1..100"));
      return;
    }
    store.inbox(userId, cursor, limit, clock.instant())
        .thenCombine(store.unreadCount(userId, clock.instant()), (page, unread) -> {
          ObjectNode answer = mapper.createObjectNode();
          ArrayNode items = answer.putArray("items");
          page.items().forEach(n -> items.add(toJson(n)));
          answer.put("nextCursor", page.nextCursor());
          answer.put("unread", unread);
          return answer;
        })
        .whenComplete((answer, e) -> ack.send(e == null ? answer : error("could not read the inbox")));
  }

  private void catchUp(Socket socket, String userId, NotificationId after) {
    // one more than a page, to tell whether another page follows: a full last page must say hasMore: false
    store.pending(userId, after, (int) Math.min(batchSize + 1L, Integer.MAX_VALUE), clock.instant()).thenAccept(found -> {
      if (found.isEmpty() || !socket.connected()) {
        return;
      }
      boolean more = found.size() > batchSize;
      List<StoredNotification> page = more ? found.subList(0, batchSize) : found;
      ObjectNode batch = mapper.createObjectNode();
      ArrayNode list = batch.putArray("notifications");
      page.forEach(n -> list.add(toJson(n)));
      batch.put("hasMore", more);
      socket.timeout(ackTimeout).emitWithAck(EVENT_BATCH, batch).whenComplete((answer, error) -> {
        if (error != null) {
          log.debug("user={} socket={}: batch of {} not acknowledged, left pending", userId, socket.id(),
              page.size());
          return;
        }
        List<NotificationId> delivered = page.stream().map(StoredNotification::id).toList();
        store.markDelivered(userId, delivered, clock.instant()).thenRun(() -> {
          if (more) {
            catchUp(socket, userId, delivered.get(delivered.size() - 1));
          }
        });
      });
    }).exceptionally(e -> {
      log.warn("user={}: reading pending notifications failed: {}", userId, unwrap(e).toString());
      return null;
    });
  }

  // ---- JSON ----

  /** The JSON a client receives for a notification. */
  ObjectNode toJson(StoredNotification n) {
    ObjectNode json = mapper.createObjectNode();
    json.put("id", n.id().toString());
    json.put("type", n.type());
    json.put("title", n.title());
    json.put("message", n.message());
    json.set("data", n.data());
    json.put("priority", n.priority().wireName());
    json.put("createdAt", n.createdAt().toString());
    json.put("expiresAt", n.expiresAt() == null ? null : n.expiresAt().toString());
    json.put("status", n.status().name().toLowerCase(java.util.Locale.ROOT));
    return json;
  }

  private ObjectNode answer(List<NotificationId> changed) {
    ObjectNode answer = mapper.createObjectNode().put("ok", true);
    ArrayNode list = answer.putArray("ids");
    changed.forEach(id -> list.add(id.toString()));
    return answer;
  }

  private ObjectNode error(String message) {
    return mapper.createObjectNode().put("ok", false).put("error", message);
  }

  // ---- lifecycle ----

  /** Stops delivering from this node; sends already stored stay queued for the others. Does not close the store. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && scheduler != null) {
      poller.cancel(false);
      scheduler.shutdownNow();
    }
  }

  private static void checkUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty()) {
      throw new IllegalArgumentException("userId must not be empty");
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
  }

  /** Builds a {@link NotificationService}; each setter checks its value. Not thread-safe. */
  public static final class Builder {
    private Emitter emitter;
    private NotificationStore store;
    private ObjectMapper mapper;
    private Clock clock = Clock.systemUTC();
    private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryDelay = DEFAULT_RETRY_DELAY;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxReadIds = DEFAULT_MAX_READ_IDS;
    private int maxPendingSends = DEFAULT_MAX_PENDING_SENDS;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private String userIdKey = DEFAULT_USER_ID_KEY;
    private Function<String, String> userRoom = id -> "user:" + id;
    private NotificationPreferences preferences = NotificationPreferences.DELIVER_ALL;
    private FallbackChannel fallback;

    private Builder() {
    }

    /**
     * Required. A {@link NotifyServer} makes this service deliver (acks, retries, catch-up, read sync); any other
     * emitter (a {@code RedisEmitter}) makes it a sender only, whose deliveries the cluster's nodes make.
     */
    public Builder emitter(Emitter emitter) {
      this.emitter = Objects.requireNonNull(emitter, "emitter");
      return this;
    }

    /** Where notifications and delivery jobs live. Defaults to a new {@link InMemoryNotificationStore}. */
    public Builder store(NotificationStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** The mapper of notification data, when the emitter is not a NotifyServer (whose mapper is used). */
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

    /** The {@code socket.data()} key the auth middleware stores the user id under. Defaults to {@value #DEFAULT_USER_ID_KEY}. */
    public Builder userIdKey(String userIdKey) {
      this.userIdKey = Objects.requireNonNull(userIdKey, "userIdKey");
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

    /** @throws IllegalStateException without an emitter */
    public NotificationService build() {
      if (emitter == null) {
        throw new IllegalStateException("emitter is required: a NotifyServer, or a RedisEmitter for a socket-less "
            + "sender");
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
