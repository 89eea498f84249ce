package dev.notify.core.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.Adapter;
import dev.notify.core.server.Args;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
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
 * <p>Built on a {@link NotifyServer}, the service also <em>delivers</em>, per device. A device is a client that
 * sends a stable id in its handshake ({@code io({auth: {token, deviceId}})}, see {@link Builder#deviceIdKey}); the
 * auth middleware puts the user id in {@code socket.data()} under {@link Builder#userIdKey}. The node that claims a
 * job from the store's queue asks every node (itself included) to emit {@code notification:new} to the devices of
 * the user it holds; each device's ack is recorded for that device, and the notification becomes
 * {@link NotificationStatus#DELIVERED} for the user at the first one. Devices that did not ack are retried with
 * exponential backoff, up to {@link Builder#maxAttempts} attempts; a user with no device connected, or none that
 * acked, goes to the {@link FallbackChannel}. Every device that connects gets, in {@code notification:batch} pages,
 * the unread notifications it has not acknowledged (a device never seen before: as {@link Builder#newDevices}
 * says); a client without a device id gets what no device of the user acknowledged yet. Its
 * {@code notification:read} and {@code notification:read-all} events mark notifications read for the user and sync
 * every device with {@code notification:read-sync}. Built on another {@link Emitter} (a socket-less service with a
 * {@code RedisEmitter}), it only stores and queues; the cluster's nodes deliver.
 *
 * <p>In a cluster, silence is not taken for "offline" while the adapter recovers from a broker outage
 * ({@link Adapter#clusterSettled()}): such attempts are retried without counting. When cluster traffic resumes,
 * each node catches up the devices it holds, so what they missed meanwhile arrives without a reconnection. Every
 * node that holds users' sockets must run a service built on its server, with the same ack timeout.
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
  /** Between nodes: deliver a claimed notification to the user's devices you hold, answer how it went. */
  static final String EVENT_DELIVER = "notify:deliver";
  /** From a socket-less sender to the nodes: jobs were queued, claim now rather than at the next poll. */
  static final String EVENT_WAKE = "notify:wake";

  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  /** What a remote node's answer may take beyond the ack timeout: recording acks, two trips through the broker. */
  private static final Duration REMOTE_MARGIN = Duration.ofSeconds(2);
  private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);
  private static final int RESUME_CONCURRENCY = 16;
  /** A socket-less sender wakes the nodes at most once per this delay, for all the jobs it queued meanwhile. */
  private static final Executor NUDGE = CompletableFuture.delayedExecutor(2,
      TimeUnit.MILLISECONDS);

  private final Emitter emitter;
  private final NotifyServer server;
  private final Adapter adapter;
  /** This node's sockets of each user, with their device ids ("" for none). */
  private final Map<String, Map<Socket, String>> localUsers = new ConcurrentHashMap<>();
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
  private final Duration visibilityTimeout;
  private final String userIdKey;
  private final String deviceIdKey;
  private final NewDevicePolicy newDevices;
  private final int maxDevicesPerUser;
  private final Function<String, String> userRoom;
  private final NotificationPreferences preferences;
  private final FallbackChannel fallback;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final String consumer = "notify-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger pendingSends = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean claiming = new AtomicBoolean();
  private final AtomicBoolean woken = new AtomicBoolean();
  private final AtomicBoolean claimAgain = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean nudging = new AtomicBoolean();
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
    this.visibilityTimeout = b.visibilityTimeout != null ? b.visibilityTimeout
        : ackTimeout.plus(DEFAULT_VISIBILITY_MARGIN);
    this.userIdKey = b.userIdKey;
    this.deviceIdKey = b.deviceIdKey;
    this.newDevices = b.newDevices;
    this.maxDevicesPerUser = b.maxDevicesPerUser;
    this.adapter = server != null ? server.of("/").adapter() : null;
    this.userRoom = b.userRoom;
    this.preferences = b.preferences;
    this.fallback = b.fallback;
    if (server != null) {
      this.ownsScheduler = b.scheduler == null;
      this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "notify-notifications");
        thread.setDaemon(true);
        return thread;
      });
      this.poller = scheduler.scheduleWithFixedDelay(this::claimJobs, POLL_INTERVAL.toMillis(),
          POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      server.onConnection(this::onConnection);
      server.onServerSideEmit(EVENT_DELIVER, this::onDeliverRequest);
      server.onServerSideEmit(EVENT_WAKE, (args, ack) -> wake());
      adapter.onClusterResumed(() -> {
        if (!closed.get()) {
          scheduler.execute(this::catchUpEveryone);
        }
      });
    } else {
      this.scheduler = null;
      this.ownsScheduler = false;
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
        if (server != null) {
          wake();
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

  // ---- delivering (on a NotifyServer) ----

  /** Tells the cluster's nodes that jobs were queued; the sends of the next 2 ms share one message. */
  private void nudgeNodes() {
    if (!closed.get() && nudging.compareAndSet(false, true)) {
      NUDGE.execute(() -> {
        nudging.set(false);
        try {
          emitter.serverSideEmit(EVENT_WAKE);
        } catch (RuntimeException e) {
          log.debug("could not wake the nodes (they claim at their next poll): {}", e.toString());
        }
      });
    }
  }

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
      claimed = store.claim(consumer, Math.min(room, 100), visibilityTimeout, now);
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
      if (n == null || n.status() == NotificationStatus.READ || n.isExpired(now)) {
        return store.complete(job);
      }
      ObjectNode json = toJson(n);
      boolean settled = adapter.clusterSettled();
      CompletableFuture<Tally> remote;
      try {
        remote = server.serverSideEmitWithAck(ackTimeout.plus(REMOTE_MARGIN), EVENT_DELIVER, job.userId(),
            n.id().toString(), json).handle((answers, error) -> error == null ? Tally.of(answers) : Tally.UNKNOWN);
      } catch (RuntimeException e) {
        remote = CompletableFuture.completedFuture(Tally.UNKNOWN);
      }
      return deliverHere(job.userId(), n.id(), json).thenCombine(remote, Tally::plus)
          .thenCompose(tally -> afterAttempt(job, n, tally, settled && adapter.clusterSettled()));
    });
  }

  /**
   * Sends {@code notification:new} to this node's devices of the user, and records each device's ack in the store.
   * Completes once every device acked or timed out, and the acks are recorded.
   */
  private CompletableFuture<Tally> deliverHere(String userId, NotificationId id, JsonNode json) {
    Map<Socket, String> devices = localUsers.get(userId);
    if (devices == null || devices.isEmpty()) {
      return CompletableFuture.completedFuture(Tally.NOBODY);
    }
    List<CompletableFuture<Boolean>> acks = new ArrayList<>(devices.size());
    devices.forEach((socket, device) -> {
      if (!socket.connected()) {
        return;
      }
      acks.add(socket.timeout(ackTimeout).emitWithAck(EVENT_NEW, json).handle((answer, error) -> error == null)
          .thenCompose(acked -> !acked ? CompletableFuture.completedFuture(false)
              : store.markDelivered(userId, device.isEmpty() ? List.of() : List.of(device), List.of(id),
                  clock.instant())
                  .handle((changed, error) -> {
                    if (error != null) {
                      log.warn("user={} device={}: recording the ack of {} failed ({}); the device may get it "
                          + "again", userId, device, id, unwrap(error).toString());
                    }
                    return true;
                  })));
    });
    return allOf(acks).thenApply(list -> new Tally(list.size(), (int) list.stream().filter(b -> b).count(), true));
  }

  /** A {@code notify:deliver} from the node that claimed a job: deliver to the devices here and say how it went. */
  private void onDeliverRequest(Args args, dev.notify.core.server.Ack ack) {
    if (closed.get()) {
      return; // as a node without a service: no answer, so the claiming node cannot take the user for offline
    }
    JsonNode user = args.get(0);
    NotificationId id = args.get(1).isTextual() ? NotificationId.parseOrNull(args.get(1).textValue()) : null;
    if (!user.isTextual() || id == null || !args.get(2).isObject()) {
      log.warn("ignored a malformed {} request from another node", EVENT_DELIVER);
      return;
    }
    deliverHere(user.textValue(), id, args.get(2)).thenAccept(tally ->
        ack.send(mapper.createObjectNode().put("sockets", tally.sockets()).put("acked", tally.acked())));
  }

  /**
   * How an attempt went across the cluster: sockets of the user found, how many acked, and whether every node
   * answered (if not, an empty count proves nothing).
   */
  private record Tally(int sockets, int acked, boolean complete) {
    static final Tally NOBODY = new Tally(0, 0, true);
    static final Tally UNKNOWN = new Tally(0, 0, false);

    static Tally of(List<Args> answers) {
      Tally sum = NOBODY;
      for (Args answer : answers) {
        JsonNode a = answer.get(0);
        sum = sum.plus(a.path("sockets").isInt() && a.path("acked").isInt()
            ? new Tally(a.path("sockets").intValue(), a.path("acked").intValue(), true) : UNKNOWN);
      }
      return sum;
    }

    Tally plus(Tally other) {
      return new Tally(sockets + other.sockets, acked + other.acked, complete && other.complete);
    }
  }

  private CompletableFuture<Void> afterAttempt(DeliveryJob job, StoredNotification n, Tally tally,
      boolean settled) {
    Instant now = clock.instant();
    boolean last = job.attempt() >= maxAttempts;
    if (tally.sockets() > 0 && tally.acked() == tally.sockets()) {
      return store.complete(job);
    }
    if (tally.acked() > 0) {
      // the user has it; devices that did not ack get it again, or in their next connection's catch-up
      return last ? store.complete(job) : store.retry(job, now.plus(backoff(job.attempt())));
    }
    if (tally.sockets() == 0) {
      if (!settled) {
        // the cluster is recovering from an outage: silence proves nothing; try again without spending an attempt
        return store.retry(sameAttempt(job), now.plus(retryDelay));
      }
      if (!tally.complete() && !last) {
        return store.retry(job, now.plus(backoff(job.attempt()))); // a node did not answer: maybe it holds them
      }
      return store.complete(job).thenRun(() -> fallback(n, FallbackChannel.Reason.OFFLINE));
    }
    if (!last) {
      return store.retry(job, now.plus(backoff(job.attempt())));
    }
    return store.complete(job).thenRun(() -> fallback(n, FallbackChannel.Reason.NOT_ACKNOWLEDGED));
  }

  private Duration backoff(int attempt) {
    Duration delay = retryDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
    return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
  }

  /** The job, numbered so that {@link NotificationStore#retry} gives the next try the same attempt number. */
  private static DeliveryJob sameAttempt(DeliveryJob job) {
    return new DeliveryJob(job.id(), job.userId(), job.priority(), job.attempt() - 1, job.notBefore(), job.handle());
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
    // the server keeps its handlers after close(): a closed service must leave its sockets alone
    if (closed.get() || user == null || user.toString().isEmpty()) {
      return;
    }
    String userId = user.toString();
    String device = deviceId(socket);
    socket.join(userRoom.apply(userId));
    Map<Socket, String> devices = localUsers.computeIfAbsent(userId, u -> new ConcurrentHashMap<>());
    devices.put(socket, device == null ? "" : device);
    socket.onDisconnect(reason -> forget(userId, socket));
    if (!socket.connected()) {
      forget(userId, socket);
      return;
    }
    socket.on(EVENT_READ, (args, ack) -> onRead(userId, args, ack));
    socket.on(EVENT_READ_ALL, (args, ack) -> markAllRead(userId).whenComplete((ids, e) ->
        ack.send(e == null ? answer(ids) : error("could not mark notifications read"))));
    socket.on(EVENT_INBOX, (args, ack) -> onInbox(userId, args, ack));
    CompletableFuture<Void> known = device == null ? CompletableFuture.completedFuture(null)
        : store.addDevice(userId, device, newDevices, maxDevicesPerUser, clock.instant());
    known.whenComplete((v, error) -> {
      if (error != null) {
        log.warn("user={} device={}: registering the device failed ({}); catching up as a new device", userId,
            device, unwrap(error).toString());
      }
      catchUpWithRetries(socket, userId, device, 1);
    });
  }

  private void forget(String userId, Socket socket) {
    localUsers.computeIfPresent(userId, (u, devices) -> {
      devices.remove(socket);
      return devices.isEmpty() ? null : devices;
    });
  }

  /**
   * The client's device id: in {@code socket.data()} under {@link Builder#deviceIdKey} if the middleware put one
   * there, else in the handshake's {@code auth}. {@code null} without one, or when it is not 1 to
   * {@value #MAX_DEVICE_ID_LENGTH} printable ASCII characters without spaces: the socket then gets what no device of
   * the user acknowledged yet.
   */
  private String deviceId(Socket socket) {
    Object value = socket.data().get(deviceIdKey);
    String id = value != null ? value.toString() : socket.handshake().auth().path(deviceIdKey).asText(null);
    if (id == null) {
      return null;
    }
    boolean valid = !id.isEmpty() && id.length() <= MAX_DEVICE_ID_LENGTH
        && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    if (!valid) {
      log.debug("socket={}: ignored a device id that is empty, longer than {} or not printable ASCII", socket.id(),
          MAX_DEVICE_ID_LENGTH);
      return null;
    }
    return id;
  }

  /** After an outage, every device here may have missed live deliveries: catch each one up, a few at a time. */
  private void catchUpEveryone() {
    List<Map.Entry<Socket, String>> all = new ArrayList<>();
    localUsers.values().forEach(devices -> all.addAll(devices.entrySet()));
    log.info("cluster traffic resumed: catching up the {} devices on this node", all.size());
    Iterator<Map.Entry<Socket, String>> next = all.iterator();
    for (int i = 0; i < RESUME_CONCURRENCY; i++) {
      catchUpNext(next);
    }
  }

  private void catchUpNext(Iterator<Map.Entry<Socket, String>> next) {
    Map.Entry<Socket, String> entry;
    synchronized (next) {
      if (closed.get() || !next.hasNext()) {
        return;
      }
      entry = next.next();
    }
    Socket socket = entry.getKey();
    Object user = socket.data().get(userIdKey);
    if (user == null || !socket.connected()) {
      catchUpNext(next);
      return;
    }
    catchUpWithRetries(socket, user.toString(), entry.getValue().isEmpty() ? null : entry.getValue(), 1)
        .whenComplete((v, e) -> catchUpNext(next));
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

  /**
   * Sends the device what it has not acknowledged, a page at a time, each page after the previous one's ack.
   * Completes when the first page is sent (or there was none); fails when the store could not be read.
   */
  private CompletableFuture<Void> catchUp(Socket socket, String userId, String device, NotificationId after) {
    // one more than a page, to tell whether another page follows: a full last page must say hasMore: false
    int limit = (int) Math.min(batchSize + 1L, Integer.MAX_VALUE);
    return store.undelivered(userId, device, after, limit, clock.instant()).thenAccept(found -> {
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
          log.debug("user={} socket={}: batch of {} not acknowledged, left for the next connection", userId,
              socket.id(), page.size());
          return;
        }
        List<NotificationId> delivered = page.stream().map(StoredNotification::id).toList();
        store.markDelivered(userId, device == null ? List.of() : List.of(device), delivered, clock.instant())
            .whenComplete((changed, e) -> {
              if (e != null) {
                log.warn("user={} device={}: recording a batch's ack failed: {}", userId, device,
                    unwrap(e).toString());
              } else if (more) {
                catchUp(socket, userId, device, delivered.get(delivered.size() - 1)).exceptionally(failure -> {
                  log.warn("user={} device={}: reading the next page failed, left for its next connection: {}",
                      userId, device, unwrap(failure).toString());
                  return null;
                });
              }
            });
      });
    });
  }

  /** Catches the device up; when the store fails, tries again with the retry backoff, up to the max attempts. */
  private CompletableFuture<Void> catchUpWithRetries(Socket socket, String userId, String device, int attempt) {
    return catchUp(socket, userId, device, null).handle((v, error) -> {
      if (error == null || closed.get() || !socket.connected()) {
        return null;
      }
      if (attempt >= maxAttempts) {
        log.warn("user={} device={}: catching up failed {} times, left for its next connection: {}", userId, device,
            attempt, unwrap(error).toString());
        return null;
      }
      log.debug("user={} device={}: catching up failed, trying again: {}", userId, device, unwrap(error).toString());
      scheduler.schedule(() -> catchUpWithRetries(socket, userId, device, attempt + 1),
          backoff(attempt).toMillis(), TimeUnit.MILLISECONDS);
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

  /**
   * Stops delivering from this node: sends already stored stay queued for the others, and sockets that connect
   * later are left alone (no user room, no catch-up). Does not close the store.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && scheduler != null) {
      poller.cancel(false);
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      localUsers.clear();
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
    private Duration visibilityTimeout;
    private String userIdKey = DEFAULT_USER_ID_KEY;
    private String deviceIdKey = DEFAULT_DEVICE_ID_KEY;
    private NewDevicePolicy newDevices = NewDevicePolicy.unread();
    private int maxDevicesPerUser = DEFAULT_MAX_DEVICES_PER_USER;
    private Function<String, String> userRoom = id -> "user:" + id;
    private NotificationPreferences preferences = NotificationPreferences.DELIVER_ALL;
    private FallbackChannel fallback;
    private ScheduledExecutorService scheduler;

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

    /**
     * How long a delivery job claimed by this node stays invisible to the others; if this node dies, another one
     * takes the job after it. Must exceed {@link #ackTimeout} + 2 s (the time the other nodes' answers may take).
     * Defaults to the ack timeout + {@link #DEFAULT_VISIBILITY_MARGIN}.
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = positive("visibilityTimeout", visibilityTimeout);
      return this;
    }

    /** The {@code socket.data()} key the auth middleware stores the user id under. Defaults to {@value #DEFAULT_USER_ID_KEY}. */
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

    /** @throws IllegalStateException without an emitter */
    /**
     * Where a delivering service (on a {@code NotifyServer}) polls the queue, claims jobs and schedules catch-up
     * retries; share the application's scheduler, or drive time in tests. It must run tasks one at a time or be
     * thread-safe for them (any {@code ScheduledThreadPoolExecutor} is); {@link NotificationService#close()} cancels
     * the service's tasks and leaves it running. Default: a daemon thread of the service's own, stopped by
     * {@code close()}.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public NotificationService build() {
      if (emitter == null) {
        throw new IllegalStateException("emitter is required: a NotifyServer, or a RedisEmitter for a socket-less "
            + "sender");
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
