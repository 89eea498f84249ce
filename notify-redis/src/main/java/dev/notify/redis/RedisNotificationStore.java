package dev.notify.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.notification.DeliveryJob;
import dev.notify.core.notification.DeliveryOutcome;
import dev.notify.core.notification.InboxPage;
import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.NewDevicePolicy;
import dev.notify.core.notification.NotificationException;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.NotificationStore;
import dev.notify.core.notification.Priority;
import dev.notify.core.notification.StoredNotification;
import dev.notify.redis.internal.Coalescer;
import dev.notify.redis.internal.RedisConnector;
import dev.notify.redis.internal.ScriptRunner;
import dev.notify.redis.internal.ScriptRunner.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NotificationStore} in Redis, shared by every node of a cluster and by socket-less senders: the same
 * behaviour as {@link InMemoryNotificationStore}, durable and visible cluster-wide.
 *
 * <pre>{@code
 * RedisNotificationStore store = RedisNotificationStore.create("redis://redis.internal:6379");  // share one
 * NotificationService notifications = NotificationService.builder().server(io).store(store).build();
 * ...
 * notifications.close();
 * store.close();                                                                            // at shutdown
 * }</pre>
 *
 * <h2>Data layout</h2>
 * Each user's inbox lives in keys that share one hash slot, {@code {<prefix>:u:<userId>}:<part>}: {@code ids} (a
 * sorted set of every kept id; ids sort by time), {@code n} (a hash of JSON bodies), {@code st} (a hash of states:
 * pending, delivered at, read at), {@code x} (a hash of expiry times), {@code pend} (a sorted set of pending ids)
 * {@code unread} (a sorted set of unread ids scored by expiry, so the unread count is one {@code ZCOUNT}),
 * {@code idem} and {@code ik} (idempotency key to id and back), {@code devs} (a sorted set of the user's devices by
 * last seen time), {@code since} (a hash of where each device's catch-up starts) and, per device,
 * {@code d:<deviceId>} (a sorted set of the ids it acknowledged).
 * Delivery jobs are entries of three streams, {@code {<prefix>:q}:urgent}, {@code :normal} and {@code :low}, read
 * through one consumer group ({@link RedisNotificationStoreOptions#consumerGroup()}); retries wait in the sorted
 * set {@code {<prefix>:q}:delayed} until their time. Every state change is one Lua script, hence atomic:
 * <ul>
 *   <li>save: the notification, its indexes and retention (by count and age, enforced on every save; an inbox
 *       nobody writes to expires with its keys after {@code maxAge}: their expiries are refreshed together at
 *       most once a minute) and, on a single Redis (server or Sentinel
 *       master), its delivery job, all at once.</li>
 *   <li>save with an idempotency key already kept for the user: nothing, the earlier id is returned.</li>
 *   <li>markDelivered / markRead: only in the user's own keys (so only for the owner), only from the states that
 *       allow it (so once); markDelivered also records the acknowledging device.</li>
 *   <li>addDevice: registers a device with its catch-up start, forgetting the least recently seen past the
 *       maximum and those unseen for {@code maxAge}.</li>
 *   <li>claim: due retries move into their stream, then per priority, urgent first: jobs claimed longer ago than
 *       the visibility timeout ({@code XAUTOCLAIM}, so a dead node's jobs come back; looked for at most once a
 *       second, or a tenth of the visibility timeout when shorter, as the scan grows with the jobs in flight), then new ones
 *       ({@code XREADGROUP}); on a single Redis each job comes with its notification as the inbox holds it, so a
 *       delivery needs no other read.</li>
 *   <li>complete: {@code XACK} + {@code XDEL}; retry: {@code XACK} + {@code XDEL} + the delayed entry; settle:
 *       either, for a whole batch of jobs.</li>
 * </ul>
 *
 * <h2>Redis Cluster</h2>
 * A user's keys and the queue's keys live in different slots, so a save cannot be one script there: the
 * notification is saved first, then its job queued. A crash or failure between the two leaves the notification
 * pending in the inbox, unqueued: it is not lost, and is delivered in the {@code notification:batch} of the user's
 * next connection (the save still succeeds; the failure to queue is logged).
 *
 * <h2>Durability</h2>
 * The data is as durable as Redis makes it: it survives a Redis restart only with persistence on. For "nothing
 * accepted is lost" across a Redis crash use {@code appendonly yes} with {@code appendfsync always} (Redis writes
 * and syncs each change before it answers). With the default {@code appendfsync everysec}, a crash (even of the
 * process alone) may lose the last second or two of acknowledged changes: Redis postpones its AOF writes while a
 * background fsync is slow. Without persistence a restart empties every inbox and the queue. The script cache
 * need not survive: a restarted server is sent the scripts again.
 *
 * <h2>Threading</h2>
 * Thread-safe; share one instance per application. Calls never block: they queue to
 * {@link RedisConnectionOptions#poolSize()} I/O threads that pipeline what has queued up, one round trip per
 * server. Under load, calls of one kind made while two such runs are already out are merged into one script run
 * (group commit; a lone call goes out at once): {@code complete} always, {@code find} and {@code markDelivered}
 * across users on a single Redis (on a Redis Cluster users are in different slots). Past
 * {@link RedisNotificationStoreOptions#maxQueuedCommands()} waiting calls (for Redis, or of one kind to merge), or while Redis is
 * unreachable, futures fail with {@link NotificationException}. Futures complete on those I/O threads: keep
 * continuations short and non-blocking. Needs Redis 6.2 or later ({@code XAUTOCLAIM}).
 */
public final class RedisNotificationStore implements NotificationStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisNotificationStore.class);
  private static final Script INBOX = Script.load("notification-inbox.lua");
  private static final Script QUEUE = Script.load("notification-queue.lua");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final String[] INBOX_PARTS = {"ids", "n", "st", "x", "pend", "unread", "idem", "ik", "devs",
      "since"};
  /** The inbox keys a merged delivery mark needs per user, in the order the script reads them. */
  private static final String[] DELIVERED_PARTS = {"ids", "st", "pend", "devs"};
  private static final long DEPTH_REFRESH_NANOS = Duration.ofMillis(500).toNanos();
  /** Calls merged into one script run at most, and merged runs of one kind at a time. */
  private static final int MAX_MERGED = 128;
  private static final int MERGED_IN_FLIGHT = 2;
  private static final long RECLAIM_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final RedisNotificationStoreOptions options;
  private final RedisConnector connector;
  private final ScriptRunner runner;
  private final boolean cluster;
  private final List<byte[]> queueKeys;
  private final String[] cursors = {"0-0", "0-0", "0-0"};
  private final AtomicLong depth = new AtomicLong();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** When a claim last looked for jobs claimed past their visibility timeout (System.nanoTime()). */
  private final AtomicLong lastReclaim = new AtomicLong(System.nanoTime() - Duration.ofDays(1).toNanos());
  /** Merged calls: finds and delivery marks of several users at once (single Redis only), completes. */
  private final Coalescer<Find, StoredNotification> finds;
  private final Coalescer<Delivered, List<NotificationId>> delivered;
  private final Coalescer<Handle, Long> completes;
  private volatile long depthAt;
  private volatile boolean depthKnown;

  private RedisNotificationStore(RedisNotificationStoreOptions options) {
    this.options = options;
    this.connector = new RedisConnector(options.connection());
    this.runner = new ScriptRunner(connector, options.connection().poolSize(), options.maxQueuedCommands(),
        "notify-redis-store");
    this.cluster = options.connection().topology() == RedisConnectionOptions.Topology.CLUSTER;
    String q = "{" + options.keyPrefix() + ":q}:";
    this.queueKeys = List.of(bytes(q + "urgent"), bytes(q + "normal"), bytes(q + "low"), bytes(q + "delayed"));
    this.finds = cluster ? null : new Coalescer<>(MAX_MERGED, MERGED_IN_FLIGHT,
        options.maxQueuedCommands(), this::busy, this::findMany);
    this.delivered = cluster ? null : new Coalescer<>(MAX_MERGED, MERGED_IN_FLIGHT,
        options.maxQueuedCommands(), this::busy, this::deliveredMany);
    this.completes = new Coalescer<>(MAX_MERGED, MERGED_IN_FLIGHT,
        options.maxQueuedCommands(), this::busy, this::completeMany);
  }

  private NotificationException busy() {
    return new NotificationException("notification store busy: " + options.maxQueuedCommands()
        + " calls already wait (maxQueuedCommands)");
  }

  /** A store on one Redis server, with the default options. */
  public static RedisNotificationStore create(String url) {
    return create(RedisNotificationStoreOptions.builder().url(url).build());
  }

  /** A store with these options. Connects lazily: a Redis that is down fails the first calls, not this one. */
  public static RedisNotificationStore create(RedisNotificationStoreOptions options) {
    Objects.requireNonNull(options, "options");
    RedisNotificationStore store = new RedisNotificationStore(options);
    log.info("Redis notification store ready: {}", options);
    return store;
  }

  public RedisNotificationStoreOptions options() {
    return options;
  }

  // ---- inbox ----

  @Override
  public CompletableFuture<NotificationId> save(StoredNotification n, boolean deliver) {
    Objects.requireNonNull(n, "notification");
    List<byte[]> keys = new ArrayList<>(userKeys(n.userId()));
    byte[] body = encode(n);
    List<byte[]> args = args("save", n.id().toString(), body,
        n.expiresAt() == null ? "" : Long.toString(micros(n.expiresAt())), cutoff(n.createdAt()),
        Integer.toString(options.maxPerUser()), keyTtl(), n.idempotencyKey() == null ? "" : n.idempotencyKey());
    boolean queueHere = deliver && !cluster;
    if (queueHere) {
      keys.add(queueKeys.get(streamIndex(n.priority()) - 1));
      args.add(bytes(n.userId()));
      args.add(bytes(Long.toString(micros(n.createdAt()))));
    }
    CompletableFuture<NotificationId> saved = runner.run(INBOX, keys, args).thenApply(r -> NotificationId.of(string(r)));
    if (!deliver || queueHere) {
      return saved;
    }
    // Redis Cluster: the inbox and the queue are in different slots. Saved first, then queued: if queueing fails,
    // the notification stays pending and the user's next connection delivers it (catch-up), so it is not lost.
    return saved.thenCompose(stored -> !stored.equals(n.id()) ? CompletableFuture.completedFuture(stored)
        : runner.run(QUEUE, queueKeys, args("enqueue", options.consumerGroup(),
            Integer.toString(streamIndex(n.priority())), n.id().toString(), n.userId(),
            Long.toString(micros(n.createdAt()))))
        .handle((id, error) -> {
          if (error != null) {
            log.warn("notification {} of user {} saved but not queued ({}); it is delivered on the user's next "
                + "connection", n.id(), n.userId(), unwrap(error).getMessage());
          }
          return stored;
        }));
  }

  @Override
  public CompletableFuture<StoredNotification> find(String userId, NotificationId id) {
    Objects.requireNonNull(id, "id");
    if (finds != null) {
      return finds.submit(new Find(Objects.requireNonNull(userId, "userId"), id));
    }
    return runner.run(INBOX, userKeys(userId), args("find", id.toString())).thenApply(reply -> {
      List<?> pair = (List<?>) reply;
      return pair.get(0) == null ? null : decode(userId, (byte[]) pair.get(0), (byte[]) pair.get(1));
    });
  }

  private record Find(String userId, NotificationId id) {
  }

  private CompletableFuture<List<StoredNotification>> findMany(List<Find> calls) {
    List<byte[]> keys = new ArrayList<>(2 * calls.size());
    List<byte[]> args = args("findmany");
    for (Find f : calls) {
      String tag = userTag(f.userId());
      keys.add(bytes(tag + "n"));
      keys.add(bytes(tag + "st"));
      args.add(bytes(f.id().toString()));
    }
    return runner.run(INBOX, keys, args).thenApply(reply -> {
      List<?> list = (List<?>) reply;
      List<StoredNotification> found = new ArrayList<>(calls.size());
      for (int i = 0; i < calls.size(); i++) {
        Object body = list.get(2 * i);
        found.add(body == null ? null : decode(calls.get(i).userId(), (byte[]) body, (byte[]) list.get(2 * i + 1)));
      }
      return found;
    });
  }

  @Override
  public CompletableFuture<List<NotificationId>> markDelivered(String userId, Collection<String> deviceIds,
      Collection<NotificationId> ids, Instant at) {
    Objects.requireNonNull(deviceIds, "deviceIds");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(ids, "ids");
    if (delivered != null && !ids.isEmpty()) {
      deviceIds.forEach(device -> Objects.requireNonNull(device, "deviceId"));
      return delivered.submit(new Delivered(Objects.requireNonNull(userId, "userId"), List.copyOf(deviceIds),
          List.copyOf(ids), at));
    }
    List<byte[]> args = args("delivered", at.toString(), keyTtl(), Integer.toString(deviceIds.size()));
    for (String device : deviceIds) {
      args.add(bytes(Objects.requireNonNull(device, "deviceId")));
    }
    return mark(args, userId, ids);
  }

  private record Delivered(String userId, List<String> devices, List<NotificationId> ids, Instant at) {
  }

  private CompletableFuture<List<List<NotificationId>>> deliveredMany(List<Delivered> calls) {
    List<byte[]> keys = new ArrayList<>(5 * calls.size());
    List<byte[]> args = args("deliveredmany", keyTtl());
    for (Delivered d : calls) {
      String tag = userTag(d.userId());
      for (String part : DELIVERED_PARTS) {
        keys.add(bytes(tag + part));
      }
      args.add(bytes(d.at().toString()));
      args.add(bytes(Integer.toString(d.devices().size())));
      d.devices().forEach(device -> args.add(bytes(device)));
      args.add(bytes(Integer.toString(d.ids().size())));
      d.ids().forEach(id -> args.add(bytes(id.toString())));
    }
    return runner.run(INBOX, keys, args).thenApply(reply -> {
      List<List<NotificationId>> changed = new ArrayList<>(calls.size());
      for (Object one : (List<?>) reply) {
        changed.add(ids(one));
      }
      return changed;
    });
  }

  @Override
  public CompletableFuture<List<NotificationId>> markRead(String userId, Collection<NotificationId> ids,
      Instant at) {
    Objects.requireNonNull(at, "at");
    return mark(args("read", at.toString()), userId, ids);
  }

  private CompletableFuture<List<NotificationId>> mark(List<byte[]> args, String userId,
      Collection<NotificationId> ids) {
    Objects.requireNonNull(ids, "ids");
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    for (NotificationId id : ids) {
      args.add(bytes(id.toString()));
    }
    return runner.run(INBOX, userKeys(userId), args).thenApply(RedisNotificationStore::ids);
  }

  @Override
  public CompletableFuture<List<NotificationId>> markAllRead(String userId, Instant at) {
    Objects.requireNonNull(at, "at");
    return runner.run(INBOX, userKeys(userId), args("readall", at.toString(), Long.toString(micros(at))))
        .thenApply(RedisNotificationStore::ids);
  }

  @Override
  public CompletableFuture<Void> addDevice(String userId, String deviceId, NewDevicePolicy policy, int maxDevices,
      Instant now) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(policy, "policy");
    if (maxDevices < 1) {
      throw new IllegalArgumentException("maxDevices must be >= 1, was " + maxDevices);
    }
    int limit = policy.limit() == Integer.MAX_VALUE ? -1 : policy.limit();
    return runner.run(INBOX, userKeys(userId), args("adddevice", deviceId, Integer.toString(limit),
        Integer.toString(maxDevices), Long.toString(now.toEpochMilli()), Long.toString(micros(now)), cutoff(now),
        keyTtl(), Long.toString(now.minus(options.maxAge()).toEpochMilli()))).thenApply(r -> null);
  }

  @Override
  public CompletableFuture<List<StoredNotification>> undelivered(String userId, String deviceId,
      NotificationId after, int limit, Instant now) {
    if (limit <= 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    return runner.run(INBOX, userKeys(userId), args("undelivered", cutoff(now), Long.toString(micros(now)),
        after == null ? "" : after.toString(), Integer.toString(limit), deviceId == null ? "" : deviceId))
        .thenApply(reply -> {
          List<?> list = (List<?>) reply;
          List<StoredNotification> result = new ArrayList<>(list.size() / 2);
          for (int i = 0; i + 1 < list.size(); i += 2) {
            result.add(decode(userId, (byte[]) list.get(i), (byte[]) list.get(i + 1)));
          }
          return result;
        });
  }

  @Override
  public CompletableFuture<InboxPage> inbox(String userId, String cursor, int limit, Instant now) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, was " + limit);
    }
    NotificationId before = cursor == null ? null : NotificationId.parseOrNull(cursor);
    return runner.run(INBOX, userKeys(userId), args("inbox", cutoff(now), Long.toString(micros(now)),
        before == null ? "" : before.toString(), Integer.toString(limit))).thenApply(reply -> {
          List<?> list = (List<?>) reply;
          List<StoredNotification> items = new ArrayList<>();
          for (int i = 1; i + 1 < list.size(); i += 2) {
            if (list.get(i) != null) {
              items.add(decode(userId, (byte[]) list.get(i), (byte[]) list.get(i + 1)));
            }
          }
          return new InboxPage(items, list.get(0) == null ? null : string(list.get(0)));
        });
  }

  @Override
  public CompletableFuture<Long> unreadCount(String userId, Instant now) {
    return runner.run(INBOX, userKeys(userId), args("unread", cutoff(now), Long.toString(micros(now))))
        .thenApply(reply -> (Long) reply);
  }

  // ---- the delivery queue ----

  @Override
  public CompletableFuture<List<DeliveryJob>> claim(String consumer, int max, Duration visibility, Instant now) {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(visibility, "visibility");
    if (max <= 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    // jobs of a dead or stalled node are looked for at most once per RECLAIM_EVERY_NANOS (or a tenth of the visibility
    // timeout when that is shorter): the scan costs Redis about 1 ms per claim of 100 while thousands are in flight
    long visibilityMillis = Math.max(0, visibility.toMillis());
    long nowNanos = System.nanoTime();
    long every = Math.min(RECLAIM_EVERY_NANOS, TimeUnit.MILLISECONDS.toNanos(visibilityMillis) / 10);
    long last = lastReclaim.get();
    boolean reclaim = nowNanos - last >= every && lastReclaim.compareAndSet(last, nowNanos);
    List<byte[]> args = args("claim", options.consumerGroup(), consumer, Integer.toString(max),
        reclaim ? Long.toString(visibilityMillis) : "", Long.toString(micros(now)));
    synchronized (cursors) {
      for (String cursor : cursors) {
        args.add(bytes(cursor));
      }
    }
    if (!cluster) {
      args.add(bytes("{" + options.keyPrefix() + ":u:")); // the claim reads each job's notification too
    }
    return runner.run(QUEUE, queueKeys, args).thenApply(reply -> {
      List<?> parts = (List<?>) reply;
      List<?> next = (List<?>) parts.get(0);
      synchronized (cursors) {
        for (int i = 0; i < cursors.length; i++) {
          cursors[i] = string(next.get(i));
        }
      }
      List<DeliveryJob> jobs = new ArrayList<>();
      for (Object o : (List<?>) parts.get(1)) {
        List<?> job = (List<?>) o;
        DeliveryJob claimed = job(((Long) job.get(0)).intValue(), string(job.get(1)), (List<?>) job.get(2));
        jobs.add(job.size() < 4 ? claimed : withNotification(claimed, (byte[]) job.get(3),
            job.size() > 4 ? (byte[]) job.get(4) : null));
      }
      return jobs;
    });
  }

  /** The job with the notification the claim read, or without (the service finds it) when that is unreadable. */
  private static DeliveryJob withNotification(DeliveryJob job, byte[] body, byte[] state) {
    try {
      return new DeliveryJob(job.id(), job.userId(), job.priority(), job.attempt(), job.notBefore(), job.handle(),
          decode(job.userId(), body, state));
    } catch (RuntimeException e) {
      return job;
    }
  }

  @Override
  public CompletableFuture<Void> complete(DeliveryJob job) {
    Objects.requireNonNull(job, "job");
    Handle h;
    try {
      h = Handle.parse(job.handle());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return completes.submit(h).thenApply(r -> null);
  }

  private CompletableFuture<List<Long>> completeMany(List<Handle> calls) {
    List<byte[]> args = args("settle", options.consumerGroup());
    calls.forEach(h -> addSettlement(args, h, null, null));
    return runner.run(QUEUE, queueKeys, args).thenApply(r -> java.util.Collections.nCopies(calls.size(), (Long) r));
  }

  @Override
  public CompletableFuture<Void> retry(DeliveryJob job, Instant notBefore) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(notBefore, "notBefore");
    return settle(List.of(new DeliveryOutcome(job, notBefore)));
  }

  /** One script run for the whole batch: each job completed ({@code XACK} + {@code XDEL}) or delayed. */
  @Override
  public CompletableFuture<Void> settle(List<DeliveryOutcome> outcomes) {
    Objects.requireNonNull(outcomes, "outcomes");
    if (outcomes.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    List<byte[]> args = args("settle", options.consumerGroup());
    for (DeliveryOutcome o : outcomes) {
      try {
        addSettlement(args, Handle.parse(o.job().handle()), o.job(), o.retryAt());
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return runner.run(QUEUE, queueKeys, args).thenApply(r -> null);
  }

  /**
   * A job's part of a {@code settle} script run: its stream and entry, then {@code ''} to complete it, or its member
   * of the delayed set (stream, next attempt, not-before µs, notification, user) and not-before µs to retry it.
   */
  private static void addSettlement(List<byte[]> args, Handle h, DeliveryJob job, Instant retryAt) {
    args.add(bytes(Integer.toString(h.stream())));
    args.add(bytes(h.entryId()));
    if (retryAt == null) {
      args.add(new byte[0]);
      return;
    }
    String nb = Long.toString(micros(retryAt));
    args.add(bytes(h.stream() + "|" + (job.attempt() + 1) + "|" + nb + "|" + job.id() + "|" + job.userId()));
    args.add(bytes(nb));
  }

  /**
   * The backlog (jobs waiting, claimed and delayed: {@code XLEN} of the three streams plus {@code ZCARD} of the
   * delayed set), for metrics. Never blocks: an estimate, the exact count as of the last refresh, at most about
   * half a second old while it is being called; a call finding it older starts a refresh in the background. Before
   * the first answer, and while Redis is unreachable, it returns the last value known (0 at first). For an exact
   * count, use {@link #exactQueueDepth()}.
   */
  @Override
  public long queueDepth() {
    if ((!depthKnown || System.nanoTime() - depthAt > DEPTH_REFRESH_NANOS) && !closed.get()
        && refreshing.compareAndSet(false, true)) {
      exactQueueDepth().whenComplete((d, error) -> {
        if (d != null) {
          depth.set(d);
          depthAt = System.nanoTime();
          depthKnown = true;
        }
        refreshing.set(false);
      });
    }
    return depth.get();
  }

  /** The backlog counted now in Redis: jobs waiting, claimed and delayed (one round trip). */
  public CompletableFuture<Long> exactQueueDepth() {
    return runner.run(QUEUE, queueKeys, args("depth", options.consumerGroup())).thenApply(r -> (Long) r);
  }

  /** Whether Redis answered the last call (false from a lost connection until a call succeeds). */
  @Override
  public boolean available() {
    return !closed.get() && runner.available();
  }

  /** Stops the I/O threads (queued calls fail) and closes the connections. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      runner.close();
      connector.close();
      log.info("Redis notification store closed: {}", connector.describe());
    }
  }

  @Override
  public String toString() {
    return "RedisNotificationStore{" + options + '}';
  }

  // ---- encoding ----

  private List<byte[]> userKeys(String userId) {
    String tag = userTag(userId);
    List<byte[]> keys = new ArrayList<>(INBOX_PARTS.length);
    for (String part : INBOX_PARTS) {
      keys.add(bytes(tag + part));
    }
    return keys;
  }

  /** What every key of the user's inbox starts with (its hash tag is the user's slot). */
  private String userTag(String userId) {
    Objects.requireNonNull(userId, "userId");
    return "{" + options.keyPrefix() + ":u:" + userId + "}:";
  }

  /** How long an inbox nobody writes to keeps its keys: the retention age and a minute. */
  private String keyTtl() {
    return Long.toString(options.maxAge().toMillis() + 60_000);
  }

  private static int streamIndex(Priority priority) {
    return priority.ordinal() + 1;
  }

  private static DeliveryJob job(int stream, String entryId, List<?> fields) {
    String id = null;
    String user = null;
    int attempt = 1;
    long notBefore = 0;
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      String value = string(fields.get(i + 1));
      switch (string(fields.get(i))) {
        case "id" -> id = value;
        case "user" -> user = value;
        case "attempt" -> attempt = Integer.parseInt(value);
        case "nb" -> notBefore = Long.parseLong(value);
        default -> { }
      }
    }
    if (id == null || user == null) {
      throw new NotificationException("malformed delivery job " + entryId + " in stream " + stream + ": " + fields);
    }
    return new DeliveryJob(NotificationId.of(id), user, Priority.values()[stream - 1], attempt,
        Instant.ofEpochSecond(notBefore / 1_000_000, (notBefore % 1_000_000) * 1_000), stream + ":" + entryId);
  }

  /** A job's handle: the stream it is in (1 urgent, 2 normal, 3 low) and its entry id there. */
  private record Handle(int stream, String entryId) {
    static Handle parse(String handle) {
      int colon = handle == null ? -1 : handle.indexOf(':');
      if (colon != 1 || handle.charAt(0) < '1' || handle.charAt(0) > '3') {
        throw new IllegalArgumentException("not a job handle of this store: " + handle);
      }
      return new Handle(handle.charAt(0) - '0', handle.substring(2));
    }
  }

  private static byte[] encode(StoredNotification n) {
    ObjectNode json = JSON.createObjectNode();
    json.put("id", n.id().toString());
    json.put("type", n.type());
    json.put("title", n.title());
    json.put("message", n.message());
    json.set("data", n.data());
    json.put("priority", n.priority().name());
    json.put("createdAt", n.createdAt().toString());
    if (n.expiresAt() != null) {
      json.put("expiresAt", n.expiresAt().toString());
    }
    if (n.idempotencyKey() != null) {
      json.put("idempotencyKey", n.idempotencyKey());
    }
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode notification " + n.id(), e);
    }
  }

  private static StoredNotification decode(String userId, byte[] body, byte[] state) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw new NotificationException("malformed notification of user " + userId + " in Redis: " + e.getMessage(),
          e);
    }
    String s = state == null ? "P" : new String(state, StandardCharsets.UTF_8);
    NotificationStatus status;
    Instant deliveredAt = null;
    Instant readAt = null;
    if (s.startsWith("R|")) {
      status = NotificationStatus.READ;
      int bar = s.indexOf('|', 2);
      deliveredAt = Instant.parse(s.substring(2, bar));
      readAt = Instant.parse(s.substring(bar + 1));
    } else if (s.startsWith("D|")) {
      status = NotificationStatus.DELIVERED;
      deliveredAt = Instant.parse(s.substring(2));
    } else {
      status = NotificationStatus.PENDING;
    }
    JsonNode expires = json.path("expiresAt");
    return new StoredNotification(NotificationId.of(json.path("id").asText()), userId, json.path("type").asText(),
        json.path("title").asText(), json.path("message").asText(), json.path("data"),
        Priority.valueOf(json.path("priority").asText()), Instant.parse(json.path("createdAt").asText()),
        expires.isTextual() ? Instant.parse(expires.asText()) : null, status, deliveredAt, readAt, json.path("idempotencyKey").isTextual() ? json.path("idempotencyKey").asText() : null);
  }

  private static List<NotificationId> ids(Object reply) {
    List<NotificationId> ids = new ArrayList<>();
    for (Object id : (List<?>) reply) {
      ids.add(NotificationId.of(string(id)));
    }
    return ids;
  }

  /** The smallest id made at {@code now - maxAge}: ids below it are past the retention age. */
  private String cutoff(Instant now) {
    long millis = Math.max(0, now.minus(options.maxAge()).toEpochMilli());
    char[] chars = new char[26];
    for (int i = 9; i >= 0; i--) {
      chars[i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    java.util.Arrays.fill(chars, 10, 26, '0');
    return new String(chars);
  }

  private static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  private static List<byte[]> args(Object... values) {
    List<byte[]> list = new ArrayList<>(values.length + 4);
    for (Object v : values) {
      list.add(v instanceof byte[] b ? b : bytes(v.toString()));
    }
    return list;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(Object reply) {
    return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
