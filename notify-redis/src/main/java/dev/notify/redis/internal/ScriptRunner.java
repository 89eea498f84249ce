package dev.notify.redis.internal;

import dev.notify.core.notification.NotificationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Runs Lua scripts for the notification store on a few I/O threads: callers hand over a script call and get a
 * future; each thread takes what has queued up (up to {@value #MAX_BATCH} calls) and sends it as one pipelined
 * round trip per Redis server ({@code EVALSHA}; a server that lost its script cache after a restart gets the
 * script again with {@code EVAL}). On a Redis Cluster each call goes to the owner of its first key's slot (all the
 * keys of one call share a slot).
 *
 * <p>Nothing waits for Redis on the caller's side: when {@code capacity} calls already wait, a call fails at once;
 * while Redis is unreachable, calls fail as soon as a thread tries them. The outage is logged once, and its end.
 *
 * <p>Thread-safe. Futures complete on the I/O threads: continuations must be short and must not block.
 */
public final class ScriptRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ScriptRunner.class);
  private static final int MAX_BATCH = 256;

  /** A Lua script with its SHA-1, as {@code EVALSHA} names it. */
  public record Script(String name, byte[] body, byte[] sha) {

    /** Loads a script from the class path, next to this class. */
    public static Script load(String resource) {
      try (InputStream in = ScriptRunner.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("script " + resource + " missing from the class path");
        }
        byte[] body = in.readAllBytes();
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(body);
        return new Script(resource, body, HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII));
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new IllegalStateException("cannot load script " + resource + ": " + e, e);
      }
    }
  }

  private record Call(Script script, byte[][] keys, byte[][] args, CompletableFuture<Object> future) {
  }

  private final RedisConnector connector;
  private final BlockingQueue<Call> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean down = new AtomicBoolean();
  private volatile long downSince;
  private volatile boolean closed;

  /**
   * @param threads I/O threads, each with one connection per server at a time
   * @param capacity calls that may wait for a thread; past it, calls fail at once
   * @param name names the threads
   */
  public ScriptRunner(RedisConnector connector, int threads, int capacity, String name) {
    this.connector = connector;
    this.queue = new ArrayBlockingQueue<>(capacity);
    ThreadFactory factory = Threads.factory(connector.options(), name, true);
    for (int i = 0; i < threads; i++) {
      Thread thread = factory.newThread(this::run);
      this.threads.add(thread);
      thread.start();
    }
  }

  /**
   * Runs a script; never blocks.
   *
   * @return the script's answer (a {@code byte[]}, {@code Long}, {@code List} or {@code null}), or a future failed
   *     with {@link NotificationException} when the queue is full, Redis is unreachable or refused the call
   */
  public CompletableFuture<Object> run(Script script, List<byte[]> keys, List<byte[]> args) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(new NotificationException("notification store closed"));
    } else if (!queue.offer(new Call(script, keys.toArray(new byte[0][]), args.toArray(new byte[0][]), future))) {
      future.completeExceptionally(new NotificationException("notification store busy: " + queue.size()
          + " Redis calls already wait (maxQueuedCommands)"));
    }
    return future;
  }

  /** Calls waiting for an I/O thread. */
  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Call> batch = new ArrayList<>(MAX_BATCH);
    while (!closed) {
      try {
        Call first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        execute(batch);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        log.error("notification store: unexpected failure running {} Redis calls", batch.size(), e);
        fail(batch, new NotificationException("notification store failed: " + e, e));
      } finally {
        batch.clear();
      }
    }
  }

  private void execute(List<Call> batch) {
    Map<HostAndPort, List<Call>> byNode = new LinkedHashMap<>();
    for (Call call : batch) {
      HostAndPort node;
      try {
        node = connector.nodeFor(call.keys()[0]);
      } catch (JedisException e) {
        lost(List.of(call), e);
        continue;
      }
      byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(call);
    }
    for (Map.Entry<HostAndPort, List<Call>> e : byNode.entrySet()) {
      List<Call> calls = e.getValue();
      List<Call> moved = new ArrayList<>();
      try (Connection c = connector.connection(e.getKey())) {
        for (Call call : calls) {
          c.sendCommand(Protocol.Command.EVALSHA, command(call.script().sha(), call));
        }
        List<Object> replies = c.getMany(calls.size());
        for (int i = 0; i < calls.size(); i++) {
          Call call = calls.get(i);
          Object reply = replies.get(i);
          if (reply instanceof JedisDataException error && message(error).startsWith("NOSCRIPT")) {
            // the server restarted or flushed its scripts: send the body once, which caches it again
            c.sendCommand(Protocol.Command.EVAL, command(call.script().body(), call));
            try {
              reply = c.getOne();
            } catch (JedisDataException refused) {
              reply = refused;
            }
          }
          if (reply instanceof JedisDataException error) {
            String message = message(error);
            if (message.startsWith("MOVED") || message.startsWith("ASK")) {
              moved.add(call);
            } else {
              call.future().completeExceptionally(new NotificationException("Redis refused " + call.script().name()
                  + ": " + message, error));
            }
          } else {
            call.future().complete(reply);
          }
        }
        up();
      } catch (JedisDataException refused) {
        fail(calls, new NotificationException("Redis refused a call: " + message(refused), refused));
      } catch (JedisException lost) {
        lost(calls, lost);
      }
      if (!moved.isEmpty()) {
        // a slot moved (Redis Cluster resharding or failover): learn the map, then try those once more, alone
        connector.refreshTopology();
        for (Call call : moved) {
          retryAlone(call);
        }
      }
    }
  }

  private void retryAlone(Call call) {
    try (Connection c = connector.connection(connector.nodeFor(call.keys()[0]))) {
      c.sendCommand(Protocol.Command.EVAL, command(call.script().body(), call));
      call.future().complete(c.getOne());
    } catch (JedisDataException refused) {
      call.future().completeExceptionally(new NotificationException("Redis refused " + call.script().name()
          + ": " + message(refused), refused));
    } catch (JedisException lost) {
      lost(List.of(call), lost);
    }
  }

  private static byte[][] command(byte[] script, Call call) {
    byte[][] args = new byte[2 + call.keys().length + call.args().length][];
    args[0] = script;
    args[1] = Integer.toString(call.keys().length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(call.keys(), 0, args, 2, call.keys().length);
    System.arraycopy(call.args(), 0, args, 2 + call.keys().length, call.args().length);
    return args;
  }

  private void lost(List<Call> calls, JedisException e) {
    if (down.compareAndSet(false, true)) {
      downSince = System.nanoTime();
      log.warn("notification store: Redis {} unreachable ({}); store calls fail until it answers",
          connector.describe(), Health.describe(e));
    }
    fail(calls, new NotificationException("Redis " + connector.describe() + " unreachable: " + Health.describe(e),
        e));
  }

  /** Whether Redis answered the last call (false from a lost connection until a call succeeds). */
  public boolean available() {
    return !down.get();
  }

  private void up() {
    if (down.get() && down.compareAndSet(true, false)) {
      log.info("notification store: Redis {} reachable again after {} ms", connector.describe(),
          (System.nanoTime() - downSince) / 1_000_000);
    }
  }

  private static void fail(List<Call> calls, RuntimeException e) {
    for (Call call : calls) {
      if (call != null) {
        call.future().completeExceptionally(e);
      }
    }
  }

  private static String message(JedisDataException e) {
    return e.getMessage() == null ? "" : e.getMessage();
  }

  /** Stops the threads; calls still queued fail. Does not close the connector. */
  @Override
  public void close() {
    closed = true;
    for (Thread thread : threads) {
      thread.interrupt();
    }
    for (Thread thread : threads) {
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Call> rest = new ArrayList<>();
    queue.drainTo(rest);
    fail(rest, new NotificationException("notification store closed"));
  }
}
