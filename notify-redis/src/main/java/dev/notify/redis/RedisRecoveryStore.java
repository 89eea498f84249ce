package dev.notify.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.server.RecoveryStore;
import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.LogLimiter;
import dev.notify.redis.internal.Coalescer;
import dev.notify.redis.internal.MalformedMessageException;
import dev.notify.redis.internal.Outage;
import dev.notify.redis.internal.RecoveryCodec;
import dev.notify.redis.internal.RecoveryCodec.StoredEvent;
import dev.notify.redis.internal.RedisConnector;
import dev.notify.redis.internal.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A {@link RecoveryStore} in Redis, shared by every node of a cluster: a client whose connection dropped gets its
 * socket id, rooms, data and missed events back on <em>any</em> node, within {@code maxDisconnectionDuration}.
 *
 * <pre>{@code
 * Duration maxDisconnection = Duration.ofMinutes(2);
 * RedisRecoveryStore recovery = RedisRecoveryStore.create("redis://redis.internal:6379", maxDisconnection);
 * NotifyServer io = NotifyServer.builder()                          // on every node
 *     .adapter(RedisAdapter.factory("redis://redis.internal:6379"))
 *     .connectionStateRecovery(maxDisconnection)
 *     .recoveryStore(recovery)
 *     .build();
 * ...
 * io.close();
 * recovery.close();               // after the server: a closing server saves the sessions of its clients
 * }</pre>
 *
 * <p>What it keeps (Redis 6.2 or later): each namespace's events in a Redis Stream {@code <prefix>:stream:<nsp>}
 * ({@code XADD ... MAXLEN ~ maxLength}; the entry id is the offset the event carries to the client; fields
 * {@code rooms}, {@code except}, {@code event}, {@code format}, {@code args}: JSON, or base64 msgpack when an argument
 * holds binary data), and each disconnected socket's session as {@code <prefix>:session:<pid>} with a time to live
 * of {@code maxDisconnectionDuration} ({@code SET ... PX}). A stream that receives no event for
 * {@code maxDisconnectionDuration} expires. Restoring takes the session once ({@code GETDEL}); if the client's offset
 * is still in the stream, the entries after it ({@code XRANGE} with an exclusive start, pages of 100) whose rooms
 * and exceptions select the session's rooms or socket id are the missed events, in order. Otherwise (session
 * expired or taken, offset trimmed or unknown) the client starts afresh, as Socket.IO does.
 *
 * <p>Cost and failures: every emit that recovery keeps (not volatile, no ack) goes out once Redis gave its offset:
 * the emitting thread does not wait, appends made meanwhile share the next pipeline, and the server keeps the
 * namespace's events in the order they were emitted. A round trip is bounded by
 * {@link RedisRecoveryStoreOptions#commandTimeout()} (500 ms). When Redis cannot be reached, that emit and every
 * later one is sent <em>without</em> an offset (not recoverable, counted in
 * {@link #unkeptEvents()}), disconnected sessions are not kept, and clients that come back start afresh; the outage is
 * logged once, a background check finds Redis back (logged once) and recovery resumes by itself. An emit whose
 * reply timed out may still have been stored: a client that recovers later may then get it twice.
 *
 * <p>Data values of a session come back JSON-shaped (maps, lists, strings, numbers, booleans); a value the mapper
 * cannot serialize is left out (logged). Arguments come back as JSON trees ({@code BinaryNode} for binary data),
 * which the server sends as it would the originals.
 *
 * <p>Thread-safe; share one per server (or per JVM). Its Redis calls (append pipelines, session saves, restores)
 * run on the store's own threads, as many as the connection's {@code poolSize}.
 */
public final class RedisRecoveryStore implements RecoveryStore, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisRecoveryStore.class);
  /** Command builders for RESP2, the protocol of the connector's connections. */
  private static final CommandObjects COMMANDS = new CommandObjects(RedisProtocol.RESP2);
  private static final Pattern OFFSET = Pattern.compile("\\d{1,20}-\\d{1,20}");
  /** Entries read per {@code XRANGE} when restoring. */
  static final int PAGE = 100;
  /** Calls waiting for a thread, and appends waiting for a pipeline; beyond, a client starts afresh, an event
   * goes without offset. */
  private static final int QUEUE = 10_000;
  /** Appends sent in one pipeline. */
  private static final int MAX_PIPELINE = 256;
  /** How long {@link #close} waits for the saves and appends already submitted. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final RedisRecoveryStoreOptions options;
  private final RedisConnector connector;
  private final RecoveryCodec codec;
  private final Outage outage;
  /** Runs the Redis calls: restores, session saves and append pipelines. */
  private final ThreadPoolExecutor io;
  private final Coalescer<Append, String> appends;
  private final LogLimiter limiter = new LogLimiter(10_000);
  private final AtomicLong unkept = new AtomicLong();
  private final String label;

  private RedisRecoveryStore(RedisRecoveryStoreOptions options) {
    this.options = options;
    Duration timeout = options.commandTimeout();
    this.connector = new RedisConnector(options.connection().toBuilder().connectTimeout(timeout)
        .socketTimeout(timeout).build());
    this.codec = new RecoveryCodec(options.objectMapper() != null ? options.objectMapper()
        : JsonMapper.builder().build());
    this.label = "recovery store redis=" + connector.describe() + " prefix=" + options.keyPrefix();
    this.outage = new Outage(() -> label, "events are sent without offsets (not recoverable) and disconnected "
        + "sessions are not kept", connector::probe, options.reconnectMinDelay(), options.reconnectMaxDelay(),
        Threads.factory(connector.options(), "notify-redis-recovery-check", false));
    int threads = options.connection().poolSize();
    this.io = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), Threads.factory(connector.options(), "notify-redis-recovery", true));
    io.allowCoreThreadTimeOut(true);
    // one pipeline at a time: offsets grow in the order of the appends, as the server requires
    this.appends = new Coalescer<>(MAX_PIPELINE, 1, QUEUE,
        () -> new RedisAdapterException(QUEUE + " appends already wait"), this::appendMany);
  }

  /**
   * A store on one Redis server with the default key prefix and stream length.
   *
   * @param maxDisconnectionDuration the server's, as given to {@code connectionStateRecovery}
   */
  public static RedisRecoveryStore create(String url, Duration maxDisconnectionDuration) {
    return create(RedisRecoveryStoreOptions.builder().url(url).maxDisconnectionDuration(maxDisconnectionDuration)
        .build());
  }

  /** A store with these options. Connects lazily: a Redis that is down now only makes the first emits unkept. */
  public static RedisRecoveryStore create(RedisRecoveryStoreOptions options) {
    Objects.requireNonNull(options, "options");
    RedisRecoveryStore store = new RedisRecoveryStore(options);
    log.info("Redis recovery store ready: {} (commandTimeout bounds every call, connecting included)", options);
    return store;
  }

  public RedisRecoveryStoreOptions options() {
    return options;
  }

  /** Events sent without an offset because Redis could not be reached or refused to store them. */
  public long unkeptEvents() {
    return unkept.get();
  }

  /** Whether the store takes Redis as reachable (false from a failed call until a check succeeds). */
  public boolean redisAvailable() {
    return !outage.down();
  }

  @Override
  public boolean available() {
    return redisAvailable();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Appends are sent in order, pipelined: what is appended while a pipeline runs goes in the next one, on a
   * store thread. Completes there; with {@code null} at once while Redis is taken as unreachable or more than
   * 10,000 appends wait.
   */
  @Override
  public CompletableFuture<String> append(String namespace, BroadcastOptions targets, String event, Object[] args) {
    if (outage.down()) {
      unkept.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }
    return appends.submit(new Append(namespace, event, codec.entry(targets, event, args)))
        .exceptionally(error -> {
          unkept.incrementAndGet();
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
              : error;
          limiter.atWarn(log, "append-busy").addKeyValue(LogKeys.NSP, namespace)
              .log("{}: event '{}' not kept, sent without offset: {}", label, event, cause.getMessage());
          return null;
        });
  }

  private record Append(String namespace, String event, Map<String, String> fields) {
  }

  private CompletableFuture<List<String>> appendMany(List<Append> batch) {
    CompletableFuture<List<String>> offsets = new CompletableFuture<>();
    try {
      io.execute(() -> offsets.complete(appendNow(batch)));
    } catch (RejectedExecutionException e) {
      offsets.completeExceptionally(new RedisAdapterException("recovery store closed or busy"));
    }
    return offsets;
  }

  /**
   * One pipeline per stream: each entry, then the stream's idle expiry pushed back. An entry Redis refused, or all of
   * them when Redis cannot be reached, get no offset.
   */
  private List<String> appendNow(List<Append> batch) {
    Map<String, List<Integer>> byStream = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      byStream.computeIfAbsent(streamKey(batch.get(i).namespace()), k -> new ArrayList<>()).add(i);
    }
    String[] offsets = new String[batch.size()];
    for (Map.Entry<String, List<Integer>> stream : byStream.entrySet()) {
      String key = stream.getKey();
      List<Integer> indexes = stream.getValue();
      if (outage.down()) {
        unkept.addAndGet(indexes.size());
        continue;
      }
      try {
        connector.execute(key, c -> {
          List<CommandObject<StreamEntryID>> xadds = new ArrayList<>(indexes.size());
          for (int index : indexes) {
            CommandObject<StreamEntryID> xadd = COMMANDS.xadd(key, XAddParams.xAddParams()
                .maxLen(options.maxLength()).approximateTrimming(), batch.get(index).fields());
            xadds.add(xadd);
            c.sendCommand(xadd.getArguments());
          }
          c.sendCommand(COMMANDS.pexpire(key, options.maxDisconnectionDuration().toMillis()).getArguments());
          List<Object> replies = c.getMany(indexes.size() + 1);
          for (int n = 0; n < indexes.size(); n++) {
            Append append = batch.get(indexes.get(n));
            if (replies.get(n) instanceof JedisDataException e) {
              unkept.incrementAndGet();
              limiter.atWarn(log, "append").addKeyValue(LogKeys.NSP, append.namespace()).log(
                  "{}: Redis refused to keep event '{}', sent without offset: {}", label, append.event(),
                  e.getMessage());
            } else {
              offsets[indexes.get(n)] = xadds.get(n).getBuilder().build(replies.get(n)).toString();
            }
          }
          return null;
        });
      } catch (JedisException e) {
        unkept.addAndGet(indexes.size());
        outage.failed(e);
      }
    }
    return Arrays.asList(offsets);
  }

  /** {@inheritDoc} Sent on a store thread; not kept while Redis is taken as unreachable. */
  @Override
  public CompletableFuture<Void> saveSession(Session session, Duration ttl) {
    if (outage.down()) {
      return CompletableFuture.completedFuture(null);
    }
    String json = codec.session(session, (name, error) -> about(log.atWarn(), session).log("{}: data '{}' left "
        + "out of the recovery session, not serializable: {}", label, name, error.getMessage()));
    String key = sessionKey(session.pid());
    CompletableFuture<Void> saved = new CompletableFuture<>();
    try {
      io.execute(() -> {
        try {
          connector.execute(key, c -> c.executeCommand(COMMANDS.set(key, json, SetParams.setParams()
              .px(Math.max(1, ttl.toMillis())))));
        } catch (JedisDataException e) {
          about(limiter.atWarn(log, "save"), session)
              .log("{}: Redis refused the recovery session: {}", label, e.getMessage());
        } catch (JedisException e) {
          outage.failed(e);
        }
        saved.complete(null);
      });
    } catch (RejectedExecutionException e) {
      about(limiter.atWarn(log, "save-rejected"), session)
          .log("{}: recovery store busy or closed, session not kept", label);
      saved.complete(null);
    }
    return saved;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes on a store thread; with {@code null} also when Redis is unreachable or the store is busy (more
   * than 10,000 reads waiting) or closed.
   */
  @Override
  public CompletableFuture<Session> takeSession(String namespace, String pid) {
    if (outage.down()) {
      return CompletableFuture.completedFuture(null);
    }
    return submit(namespace, () -> takeSessionNow(namespace, pid));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes on a store thread; with {@code null} also when Redis is unreachable or the store is busy (more
   * than 10,000 reads waiting) or closed.
   */
  @Override
  public CompletableFuture<List<Missed>> missedSince(String namespace, String offset, Set<String> rooms) {
    if (!OFFSET.matcher(offset).matches() || outage.down()) {
      return CompletableFuture.completedFuture(null);
    }
    return submit(namespace, () -> missedSinceNow(namespace, offset, rooms));
  }

  private <T> CompletableFuture<T> submit(String namespace, Supplier<T> read) {
    ReadTask<T> task = new ReadTask<>(namespace, read);
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      limiter.atWarn(log, "restore-rejected").addKeyValue(LogKeys.NSP, namespace)
          .log("{}: recovery store busy or closed, client starts afresh", label);
      task.result.complete(null);
    }
    return task.result;
  }

  private Session takeSessionNow(String namespace, String pid) {
    String sessionKey = sessionKey(pid);
    String json = connector.execute(sessionKey, c -> c.executeCommand(COMMANDS.getDel(sessionKey)));
    if (json == null) {
      return null;
    }
    Session session;
    try {
      session = codec.session(json);
    } catch (MalformedMessageException e) {
      limiter.atWarn(log, e.kind()).addKeyValue(LogKeys.NSP, namespace)
          .log("{}: unreadable session {}: {}", label, pid, e.getMessage());
      return null;
    }
    return session.namespace().equals(namespace) ? session : null;
  }

  private List<Missed> missedSinceNow(String namespace, String offset, Set<String> rooms) {
    String streamKey = streamKey(namespace);
    long scanLimit = 2 * options.maxLength() + PAGE;
    return connector.execute(streamKey, c -> {
      if (c.executeCommand(COMMANDS.xrange(streamKey, offset, offset, 1)).isEmpty()) {
        return null; // trimmed, expired or never ours: what followed it is unknown
      }
      List<Missed> missed = new ArrayList<>();
      String from = offset;
      long scanned = 0;
      while (true) {
        List<StreamEntry> page = c.executeCommand(COMMANDS.xrange(streamKey, "(" + from, "+", PAGE));
        for (StreamEntry entry : page) {
          from = entry.getID().toString();
          StoredEvent event;
          try {
            event = codec.event(entry.getFields());
          } catch (MalformedMessageException e) {
            limiter.atWarn(log, e.kind()).addKeyValue(LogKeys.NSP, namespace)
                .log("{}: skipped stream entry {}: {}", label, from, e.getMessage());
            continue;
          }
          if (event.targets(rooms)) {
            missed.add(new Missed(from, event.event(), withOffset(event.args(), from)));
          }
        }
        scanned += page.size();
        if (page.size() < PAGE) {
          return missed;
        }
        if (scanned > scanLimit) {
          // events arrive faster than we read them: better a fresh start than a gap
          log.atWarn().addKeyValue(LogKeys.NSP, namespace)
              .log("{}: more than {} events after offset {}, client starts afresh", label, scanLimit, offset);
          return null;
        }
      }
    });
  }

  private static Object[] withOffset(List<JsonNode> args, String offset) {
    Object[] all = new Object[args.size() + 1];
    for (int i = 0; i < args.size(); i++) {
      all[i] = args.get(i);
    }
    all[args.size()] = offset;
    return all;
  }

  private String streamKey(String namespace) {
    return options.keyPrefix() + ":stream:" + namespace;
  }

  private String sessionKey(String pid) {
    return options.keyPrefix() + ":session:" + pid;
  }

  /**
   * Lets the calls already submitted (session saves, appends, restores) finish, for up to 5 seconds, then stops the
   * store's threads (restores still waiting complete with {@code null}) and closes the Redis connections. Close it
   * after the servers that use it: a closing server saves its clients' sessions here.
   */
  @Override
  public void close() {
    io.shutdown();
    try {
      io.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Runnable waiting : io.shutdownNow()) {
      if (waiting instanceof ReadTask<?> task) {
        task.result.complete(null);
      }
    }
    outage.close();
    connector.close();
  }

  @Override
  public String toString() {
    return "RedisRecoveryStore{" + options + '}';
  }

  /** One read, on a store thread: a Redis refusal or outage reads as "unknown" and the client starts afresh. */
  private final class ReadTask<T> implements Runnable {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private final String namespace;
    private final Supplier<T> read;

    ReadTask(String namespace, Supplier<T> read) {
      this.namespace = namespace;
      this.read = read;
    }

    @Override
    public void run() {
      try {
        result.complete(read.get());
      } catch (JedisDataException e) {
        limiter.atWarn(log, "restore").addKeyValue(LogKeys.NSP, namespace)
            .log("{}: Redis refused a recovery read, client starts afresh: {}", label, e.getMessage());
        result.complete(null);
      } catch (JedisException e) {
        outage.failed(e);
        result.complete(null);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
  }

  /** A line about the recovery session of one socket. */
  private static LoggingEventBuilder about(LoggingEventBuilder line, Session session) {
    return line.addKeyValue(LogKeys.NSP, session.namespace()).addKeyValue(LogKeys.SOCKET, session.socketId());
  }
}
