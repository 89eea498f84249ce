package dev.notify.core.notification;

import static dev.notify.core.notification.NotificationService.EVENT_BATCH;
import static dev.notify.core.notification.NotificationService.EVENT_DELIVER;
import static dev.notify.core.notification.NotificationService.EVENT_INBOX;
import static dev.notify.core.notification.NotificationService.EVENT_NEW;
import static dev.notify.core.notification.NotificationService.EVENT_READ;
import static dev.notify.core.notification.NotificationService.EVENT_READ_ALL;
import static dev.notify.core.notification.NotificationService.EVENT_WAKE;
import static dev.notify.core.notification.NotificationService.MAX_DEVICE_ID_LENGTH;
import static dev.notify.core.notification.NotificationService.REMOTE_MARGIN;
import static dev.notify.core.notification.NotificationService.abbreviate;
import static dev.notify.core.notification.NotificationService.allOf;
import static dev.notify.core.notification.NotificationService.unwrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.adapter.Adapter;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.metrics.NotifyMetrics;
import dev.notify.core.server.Args;
import dev.notify.core.server.EventHandler;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth;
import dev.notify.core.server.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The delivering role of a {@link NotificationService} built on a {@link NotifyServer}: claims jobs from the store's
 * queue, has every node emit {@code notification:new} to the devices of the user it holds and records their acks,
 * retries and falls back, catches connecting devices up, and answers their read and inbox events. One per service;
 * thread-safe.
 */
final class Deliverer {

  private static final Logger log = LoggerFactory.getLogger(NotificationService.class);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);
  private static final int RESUME_CONCURRENCY = 16;
  /** Jobs claimed at once: one request to the other nodes, and one store call to settle them. */
  private static final int MAX_CLAIM = 100;

  private final NotificationService service;
  private final NotifyServer server;
  private final NotifyMetrics metrics;
  private final Adapter adapter;
  /** This node's sockets of each user, with their device ids ("" for none). */
  private final Map<String, Map<Socket, String>> localUsers = new ConcurrentHashMap<>();
  private final NotificationStore store;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final Duration ackTimeout;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final int batchSize;
  private final int maxReadIds;
  private final int maxInFlight;
  private final Duration visibilityTimeout;
  private final String userIdKey;
  private final String deviceIdKey;
  private final NewDevicePolicy newDevices;
  private final int maxDevicesPerUser;
  private final Function<String, String> userRoom;
  private final FallbackChannel fallback;
  /** The service's: it shuts it down when it owns it. */
  private final ScheduledExecutorService scheduler;
  private final String consumer = "notify-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean claiming = new AtomicBoolean();
  private final AtomicBoolean woken = new AtomicBoolean();
  private final AtomicBoolean claimAgain = new AtomicBoolean();
  private final ScheduledFuture<?> poller;
  /** What it registers on the server and its adapter, kept to remove them on close. */
  private final Consumer<Socket> onConnection = this::onConnection;
  private final EventHandler onDeliverRequest = this::onDeliverRequest;
  private final EventHandler onWake = (args, ack) -> wake();
  private final Runnable onClusterResumed = this::onClusterResumed;

  Deliverer(NotificationService service, NotifyServer server, NotificationService.Builder b,
      ScheduledExecutorService scheduler) {
    this.service = service;
    this.server = server;
    this.metrics = server.metrics();
    this.adapter = server.of("/").adapter();
    this.store = b.store;
    this.mapper = server.mapper();
    this.clock = b.clock;
    this.ackTimeout = b.ackTimeout;
    this.maxAttempts = b.maxAttempts;
    this.retryDelay = b.retryDelay;
    this.batchSize = b.batchSize;
    this.maxReadIds = b.maxReadIds;
    this.maxInFlight = b.maxInFlight;
    this.visibilityTimeout = b.visibilityTimeout != null ? b.visibilityTimeout
        : ackTimeout.plus(NotificationService.DEFAULT_VISIBILITY_MARGIN);
    this.userIdKey = b.userIdKey;
    this.deviceIdKey = b.deviceIdKey;
    this.newDevices = b.newDevices;
    this.maxDevicesPerUser = b.maxDevicesPerUser;
    this.userRoom = b.userRoom;
    this.fallback = b.fallback;
    this.scheduler = scheduler;
    this.poller = scheduler.scheduleWithFixedDelay(this::poll, POLL_INTERVAL.toMillis(),
        POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    server.onConnection(onConnection);
    server.onServerSideEmit(EVENT_DELIVER, onDeliverRequest);
    server.onServerSideEmit(EVENT_WAKE, onWake);
    adapter.onClusterResumed(onClusterResumed);
    server.addHealthCheck(healthCheckName(), this::health);
  }

  /** One per service: a node may run several (one per store). */
  private String healthCheckName() {
    return "notifications:" + consumer;
  }

  private ServerHealth.Check health() {
    String queue = store.queueDepth() + " delivery jobs queued";
    return store.available() ? ServerHealth.Check.up("store reachable, " + queue)
        : ServerHealth.Check.down("store unreachable, " + queue);
  }

  private void onClusterResumed() {
    if (!service.closed()) {
      scheduler.execute(this::catchUpEveryone);
    }
  }

  /** Stops claiming, removes what it registered on the server and its adapter, forgets this node's sockets. */
  void close() {
    server.offConnection(onConnection);
    server.offServerSideEmit(EVENT_DELIVER, onDeliverRequest);
    server.offServerSideEmit(EVENT_WAKE, onWake);
    adapter.offClusterResumed(onClusterResumed);
    server.removeHealthCheck(healthCheckName());
    poller.cancel(false);
    localUsers.clear();
  }

  /** The users whose sockets are in {@code room}, on any node. */
  CompletableFuture<Set<String>> usersIn(String room) {
    return server.in(room).fetchSockets().thenApply(sockets -> {
      Set<String> users = new LinkedHashSet<>();
      sockets.forEach(s -> {
        JsonNode id = s.data().path(userIdKey);
        if (id.isValueNode() && !id.asText().isEmpty()) {
          users.add(id.asText());
        }
      });
      return users;
    });
  }

  /** Claims jobs soon; many wakes before that coalesce into one claim. */
  void wake() {
    if (!service.closed() && woken.compareAndSet(false, true)) {
      scheduler.execute(() -> {
        woken.set(false);
        claimJobs();
      });
    }
  }

  private void poll() {
    if (!service.closed()) {
      metrics.notificationQueueDepth(store.queueDepth());
    }
    claimJobs();
  }

  private void claimJobs() {
    // a draining node lets the others deliver: its devices are moving to them
    if (service.closed() || server.draining()) {
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
      claimed = store.claim(consumer, Math.min(room, MAX_CLAIM), visibilityTimeout, now);
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
      if (!jobs.isEmpty()) {
        inFlight.addAndGet(jobs.size());
        CompletableFuture<Void> delivered;
        try {
          delivered = deliver(jobs);
        } catch (RuntimeException e) { // a store or server that throws rather than failing its future
          delivered = CompletableFuture.failedFuture(e);
        }
        delivered.whenComplete((v, e) -> {
          if (inFlight.getAndAdd(-jobs.size()) >= maxInFlight) {
            wake();
          }
          if (e != null) {
            log.warn("delivering {} claimed jobs failed, they come back after the visibility timeout: {}",
                jobs.size(), unwrap(e).toString());
          }
        });
      }
      if (claimAgain.getAndSet(false) || jobs.size() == Math.min(room, MAX_CLAIM)) {
        wake();
      }
    });
  }

  /**
   * Delivers a claimed batch: this node and every other one (a single request for the whole batch) send each
   * notification to the devices of its user they hold and record their acks, then one store call completes or
   * re-queues every job.
   */
  private CompletableFuture<Void> deliver(List<DeliveryJob> jobs) {
    Set<DeliveryJob> unreadable = ConcurrentHashMap.newKeySet();
    return notifications(jobs, unreadable).thenCompose(found -> {
      Instant now = clock.instant();
      List<DeliveryOutcome> outcomes = new ArrayList<>(jobs.size());
      List<Attempt> attempts = new ArrayList<>(jobs.size());
      for (int i = 0; i < jobs.size(); i++) {
        StoredNotification n = found.get(i);
        if (unreadable.contains(jobs.get(i))) {
          continue; // left claimed: it comes back after the visibility timeout
        }
        if (n == null || n.status() == NotificationStatus.READ || n.isExpired(now)) {
          outcomes.add(new DeliveryOutcome(jobs.get(i), null));
        } else {
          attempts.add(new Attempt(jobs.get(i), n, new Item(n.userId(), n.id(), toJson(n))));
        }
      }
      if (attempts.isEmpty()) {
        return store.settle(outcomes);
      }
      List<Item> items = attempts.stream().map(Attempt::item).toList();
      boolean settled = adapter.clusterSettled();
      CompletableFuture<List<Tally>> remote;
      try {
        ArrayNode request = mapper.createArrayNode();
        items.forEach(item -> request.addArray().add(item.userId()).add(item.id().toString()).add(item.json()));
        remote = server.serverSideEmitWithAck(ackTimeout.plus(REMOTE_MARGIN), EVENT_DELIVER, request)
            .handle((answers, error) -> error == null ? Tally.of(answers, items.size())
                : Tally.unknown(items.size()));
      } catch (RuntimeException e) {
        remote = CompletableFuture.completedFuture(Tally.unknown(items.size()));
      }
      return deliverHere(items).thenCombine(remote, Tally::plus).thenCompose(tallies -> {
        boolean stillSettled = settled && adapter.clusterSettled();
        List<Runnable> fallbacks = new ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
          outcomes.add(decide(attempts.get(i), tallies.get(i), stillSettled, fallbacks));
        }
        return store.settle(outcomes).thenRun(() -> fallbacks.forEach(Runnable::run));
      });
    });
  }

  /**
   * The jobs' notifications: those the store read in the claim, the others found ({@code null} when gone); the
   * jobs whose notification could not be read go to {@code unreadable}.
   */
  private CompletableFuture<List<StoredNotification>> notifications(List<DeliveryJob> jobs,
      Set<DeliveryJob> unreadable) {
    List<CompletableFuture<StoredNotification>> found = new ArrayList<>(jobs.size());
    for (DeliveryJob job : jobs) {
      found.add(job.notification() != null ? CompletableFuture.completedFuture(job.notification())
          : store.find(job.userId(), job.id()).exceptionally(e -> {
            log.atWarn().addKeyValue(LogKeys.USER, job.userId())
                .log("reading {} to deliver it failed: {}", job.id(), unwrap(e).toString());
            unreadable.add(job);
            return null;
          }));
    }
    return allOf(found);
  }

  /** One notification to send to the devices of its user. */
  private record Item(String userId, NotificationId id, JsonNode json) {
  }

  private record Attempt(DeliveryJob job, StoredNotification notification, Item item) {
  }

  /** Sends each item to this node's devices of its user; completes once every device acked or timed out. */
  private CompletableFuture<List<Tally>> deliverHere(List<Item> items) {
    List<CompletableFuture<Tally>> tallies = new ArrayList<>(items.size());
    for (Item item : items) {
      tallies.add(deliverHere(item));
    }
    return allOf(tallies);
  }

  /** Sends the item to this node's devices of its user; records each device's ack the moment it comes. */
  private CompletableFuture<Tally> deliverHere(Item item) {
    Map<Socket, String> devices = localUsers.get(item.userId());
    if (devices == null || devices.isEmpty()) {
      return CompletableFuture.completedFuture(Tally.NOBODY);
    }
    List<CompletableFuture<Boolean>> acks = new ArrayList<>(devices.size());
    devices.forEach((socket, device) -> {
      if (socket.connected()) {
        acks.add(socket.timeout(ackTimeout).emitWithAck(EVENT_NEW, item.json()).handle((answer, error) -> error == null)
            .thenCompose(acked -> acked ? recordAck(item, socket, device) : CompletableFuture.completedFuture(false)));
      }
    });
    return allOf(acks).thenApply(list -> new Tally(list.size(), (int) list.stream().filter(b -> b).count(), true));
  }

  /**
   * Records a device's ack in the store at once, not with the job: the user's status and the device's catch-up
   * cursor must not wait for the slowest device of the batch.
   */
  private CompletableFuture<Boolean> recordAck(Item item, Socket socket, String device) {
    return store.markDelivered(item.userId(), device.isEmpty() ? List.of() : List.of(device), List.of(item.id()),
        clock.instant()).handle((changed, error) -> {
          if (error != null) {
            about(log.atWarn(), item.userId(), socket).log("device {}: recording the ack of {} failed ({}); the "
                + "device may get it again", device, item.id(), unwrap(error).toString());
          }
          return true;
        });
  }

  /** A {@code notify:deliver} from the node that claimed a batch: deliver to the devices here, say how it went. */
  private void onDeliverRequest(Args args, dev.notify.core.server.Ack ack) {
    if (service.closed()) {
      return; // as a node without a service: no answer, so the claiming node cannot take the users for offline
    }
    List<Item> items = items(args.get(0));
    if (items == null) {
      log.warn("ignored a malformed {} request from another node", EVENT_DELIVER);
      return;
    }
    deliverHere(items).thenAccept(tallies -> {
      ObjectNode answer = mapper.createObjectNode();
      ArrayNode results = answer.putArray("results");
      tallies.forEach(tally -> results.addObject().put("sockets", tally.sockets()).put("acked", tally.acked()));
      ack.send(answer);
    });
  }

  /** The items of a {@code notify:deliver} request, or {@code null} when it is malformed. */
  private static List<Item> items(JsonNode request) {
    if (!request.isArray() || request.size() > MAX_CLAIM) {
      return null;
    }
    List<Item> items = new ArrayList<>(request.size());
    for (JsonNode entry : request) {
      NotificationId id = entry.path(1).isTextual() ? NotificationId.parseOrNull(entry.path(1).textValue()) : null;
      if (!entry.path(0).isTextual() || id == null || !entry.path(2).isObject()) {
        return null;
      }
      items.add(new Item(entry.path(0).textValue(), id, entry.path(2)));
    }
    return items;
  }

  /**
   * How an attempt went, on one node or summed over the cluster: sockets of the user found, how many acked, and
   * whether every node answered (if not, an empty count proves nothing).
   */
  private record Tally(int sockets, int acked, boolean complete) {
    static final Tally NOBODY = new Tally(0, 0, true);
    static final Tally UNKNOWN = new Tally(0, 0, false);

    static List<Tally> unknown(int count) {
      return Collections.nCopies(count, UNKNOWN);
    }

    /** The other nodes' answers to a request of {@code count} items, summed per item. */
    static List<Tally> of(List<Args> answers, int count) {
      List<Tally> sums = Collections.nCopies(count, NOBODY);
      for (Args answer : answers) {
        JsonNode results = answer.get(0).path("results");
        if (results.size() != count) {
          sums = plus(sums, unknown(count));
          continue;
        }
        List<Tally> node = new ArrayList<>(count);
        for (JsonNode r : results) {
          node.add(r.path("sockets").isInt() && r.path("acked").isInt()
              ? new Tally(r.path("sockets").intValue(), r.path("acked").intValue(), true) : UNKNOWN);
        }
        sums = plus(sums, node);
      }
      return sums;
    }

    static List<Tally> plus(List<Tally> a, List<Tally> b) {
      List<Tally> sums = new ArrayList<>(a.size());
      for (int i = 0; i < a.size(); i++) {
        sums.add(a.get(i).plus(b.get(i)));
      }
      return sums;
    }

    Tally plus(Tally other) {
      return new Tally(sockets + other.sockets, acked + other.acked, complete && other.complete);
    }
  }

  /** What becomes of a job after an attempt; adds the fallback to run once the outcome is recorded. */
  private DeliveryOutcome decide(Attempt attempt, Tally tally, boolean settled, List<Runnable> fallbacks) {
    DeliveryJob job = attempt.job();
    StoredNotification n = attempt.notification();
    Instant now = clock.instant();
    boolean last = job.attempt() >= maxAttempts;
    if (tally.acked() > 0 && n.status() == NotificationStatus.PENDING) {
      // no device had it before this attempt: this is its first delivery
      metrics.notificationDelivered(Math.max(0, Duration.between(n.createdAt(), now).toNanos()));
    }
    if (tally.sockets() > 0 && tally.acked() == tally.sockets()) {
      return new DeliveryOutcome(job, null);
    }
    if (tally.acked() > 0) {
      // the user has it; devices that did not ack get it again, or in their next connection's catch-up
      return last ? new DeliveryOutcome(job, null) : retry(job, now.plus(backoff(job.attempt())));
    }
    if (tally.sockets() == 0) {
      if (!settled) {
        // the cluster is recovering from an outage: silence proves nothing; try again without spending an attempt
        return retry(sameAttempt(job), now.plus(retryDelay));
      }
      if (!tally.complete() && !last) {
        return retry(job, now.plus(backoff(job.attempt()))); // a node did not answer: maybe it holds them
      }
      fallbacks.add(() -> fallback(n, FallbackChannel.Reason.OFFLINE));
      return new DeliveryOutcome(job, null);
    }
    if (!last) {
      return retry(job, now.plus(backoff(job.attempt())));
    }
    fallbacks.add(() -> fallback(n, FallbackChannel.Reason.NOT_ACKNOWLEDGED));
    return new DeliveryOutcome(job, null);
  }

  private DeliveryOutcome retry(DeliveryJob job, Instant notBefore) {
    metrics.notificationRetried();
    return new DeliveryOutcome(job, notBefore);
  }

  private Duration backoff(int attempt) {
    Duration delay = retryDelay.multipliedBy(1L << Math.min(attempt - 1, 20));
    return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
  }

  /** The job, numbered so that {@link NotificationStore#retry} gives the next try the same attempt number. */
  private static DeliveryJob sameAttempt(DeliveryJob job) {
    return new DeliveryJob(job.id(), job.userId(), job.priority(), job.attempt() - 1, job.notBefore(), job.handle(),
        job.notification());
  }

  private void fallback(StoredNotification n, FallbackChannel.Reason reason) {
    metrics.notificationFallback(reason.name().toLowerCase(Locale.ROOT));
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
    // a connection handled while close() runs: a closed service leaves its sockets alone
    if (service.closed() || user == null || user.toString().isEmpty()) {
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
    socket.on(EVENT_READ_ALL, (args, ack) -> service.markAllRead(userId).whenComplete((ids, e) ->
        ack.send(e == null ? answer(ids) : error("could not mark notifications read"))));
    socket.on(EVENT_INBOX, (args, ack) -> onInbox(userId, args, ack));
    CompletableFuture<Void> known = device == null ? CompletableFuture.completedFuture(null)
        : store.addDevice(userId, device, newDevices, maxDevicesPerUser, clock.instant());
    known.whenComplete((v, error) -> {
      if (error != null) {
        about(log.atWarn(), userId, socket).log("device {}: registering the device failed ({}); catching up as a "
            + "new device", device, unwrap(error).toString());
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
      about(log.atDebug(), null, socket).log("ignored a device id that is empty, longer than {} or not printable "
          + "ASCII", MAX_DEVICE_ID_LENGTH);
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
      if (service.closed() || !next.hasNext()) {
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
    service.markRead(userId, requested).whenComplete((ids, e) ->
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
      metrics.catchUpBatch(page.size());
      socket.timeout(ackTimeout).emitWithAck(EVENT_BATCH, batch).whenComplete((answer, error) -> {
        if (error != null) {
          about(log.atDebug(), userId, socket).log("batch of {} not acknowledged, left for the next connection",
              page.size());
          return;
        }
        List<NotificationId> delivered = page.stream().map(StoredNotification::id).toList();
        store.markDelivered(userId, device == null ? List.of() : List.of(device), delivered, clock.instant())
            .whenComplete((changed, e) -> {
              if (e != null) {
                about(log.atWarn(), userId, socket).log("device {}: recording a batch's ack failed: {}", device,
                    unwrap(e).toString());
              } else if (more) {
                catchUp(socket, userId, device, delivered.get(delivered.size() - 1)).exceptionally(failure -> {
                  about(log.atWarn(), userId, socket).log("device {}: reading the next page failed, left for its "
                      + "next connection: {}", device, unwrap(failure).toString());
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
      if (error == null || service.closed() || !socket.connected()) {
        return null;
      }
      if (attempt >= maxAttempts) {
        about(log.atWarn(), userId, socket).log("device {}: catching up failed {} times, left for its next "
            + "connection: {}", device, attempt, unwrap(error).toString());
        return null;
      }
      about(log.atDebug(), userId, socket).log("device {}: catching up failed, trying again: {}", device,
          unwrap(error).toString());
      scheduler.schedule(() -> catchUpWithRetries(socket, userId, device, attempt + 1),
          backoff(attempt).toMillis(), TimeUnit.MILLISECONDS);
      return null;
    });
  }


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

  /** A line about a device's connection: its user (when known), socket and namespace. */
  private static LoggingEventBuilder about(LoggingEventBuilder line, String userId, Socket socket) {
    LoggingEventBuilder about = line.addKeyValue(LogKeys.NSP, socket.namespace().name())
        .addKeyValue(LogKeys.SOCKET, socket.id());
    return userId == null ? about : about.addKeyValue(LogKeys.USER, userId);
  }
}
