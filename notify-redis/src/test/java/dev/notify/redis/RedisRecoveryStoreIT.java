package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.server.RecoveryStore.Missed;
import dev.notify.core.server.RecoveryStore.Restored;
import dev.notify.core.server.RecoveryStore.Session;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * The contract of {@link RedisRecoveryStore} on a real Redis, each test under its own key prefix: offsets, sessions
 * taken once, expiry, unknown offsets, room filtering, binary arguments, several stores sharing one Redis, and a
 * Redis that is down.
 */
@ExtendWith(RedisExtension.class)
class RedisRecoveryStoreIT {

  private static final String NSP = "/";
  private final List<RedisRecoveryStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(RedisRecoveryStore::close);
  }

  private RedisRecoveryStore store(String prefix) {
    return store(RedisRecoveryStoreOptions.builder().url(RedisExtension.url()).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(2))); // generous on a loaded machine: a slow reply is no outage
  }

  private RedisRecoveryStore store(RedisRecoveryStoreOptions.Builder options) {
    RedisRecoveryStore store = RedisRecoveryStore.create(options.build());
    stores.add(store);
    return store;
  }

  private static BroadcastOptions to(String... rooms) {
    return new BroadcastOptions(Set.of(rooms), Set.of(), false, false, false, null);
  }

  private static BroadcastOptions toExcept(Set<String> rooms, Set<String> except) {
    return new BroadcastOptions(rooms, except, false, false, false, null);
  }

  private static Session session(String pid, String socketId, Set<String> rooms, Map<String, Object> data) {
    return new Session(NSP, pid, socketId, rooms, data, Instant.now());
  }

  private static Restored restore(RedisRecoveryStore store, String nsp, String pid, String offset) throws Exception {
    return store.restore(nsp, pid, offset).get(10, TimeUnit.SECONDS);
  }

  /** The first argument of each missed event, as text. */
  private static List<String> firstArgs(Restored restored) {
    List<String> texts = new ArrayList<>();
    for (Missed m : restored.missed()) {
      texts.add(((JsonNode) m.args()[0]).asText());
    }
    return texts;
  }

  private static long[] id(String offset) {
    String[] parts = offset.split("-");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
  }

  private static Connection redis() {
    URI url = URI.create(RedisExtension.url());
    return new Connection(new HostAndPort(url.getHost(), url.getPort()));
  }

  @Test
  void offsetsIncreaseInEmitOrder() {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("offsets"));
    long[] previous = {0, 0};
    for (int i = 0; i < 200; i++) {
      String offset = store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {i}).join();
      assertThat(offset).matches("\\d+-\\d+");
      long[] current = id(offset);
      assertThat(current[0] > previous[0] || current[0] == previous[0] && current[1] > previous[1])
          .as("%s after %d-%d", offset, previous[0], previous[1]).isTrue();
      previous = current;
    }
  }

  @Test
  void appendsMadeWithoutWaitingSharePipelinesAndGetOffsetsInTheirOrder() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("pipelined"));
    String first = store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {-1}).join();
    store.saveSession(session("pid-pl", "sock-pl", Set.of(), Map.of()), Duration.ofMinutes(1)).join();
    List<CompletableFuture<String>> appended = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      appended.add(store.append(i % 2 == 0 ? NSP : "/other", BroadcastOptions.ALL, "tick", new Object[] {i}));
    }

    // offsets order the events of one namespace (one stream): each namespace's grow in the order of the appends
    Map<Boolean, long[]> previous = new HashMap<>(Map.of(true, id(first), false, new long[] {0, 0}));
    for (int i = 0; i < appended.size(); i++) {
      String offset = appended.get(i).get(10, TimeUnit.SECONDS);
      assertThat(offset).as("every append kept").isNotNull();
      long[] before = previous.get(i % 2 == 0);
      long[] current = id(offset);
      assertThat(current[0] > before[0] || current[0] == before[0] && current[1] > before[1])
          .as("%s after %d-%d", offset, before[0], before[1]).isTrue();
      previous.put(i % 2 == 0, current);
    }
    assertThat(store.unkeptEvents()).isZero();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2_000; i += 2) {
      expected.add(Integer.toString(i));
    }
    assertThat(firstArgs(restore(store, NSP, "pid-pl", first))).containsExactlyElementsOf(expected);
  }

  @Test
  void closeLetsTheSessionSavesAlreadySubmittedFinish() throws Exception {
    String prefix = RedisExtension.uniqueKey("close-saves");
    RedisRecoveryStore closing = RedisRecoveryStore.create(RedisRecoveryStoreOptions.builder()
        .url(RedisExtension.url()).keyPrefix(prefix).commandTimeout(Duration.ofSeconds(2)).build());
    for (int i = 0; i < 200; i++) {
      closing.saveSession(session("pid-c" + i, "sock-c" + i, Set.of(), Map.of()), Duration.ofMinutes(1));
    }
    closing.close();

    RedisRecoveryStore reader = store(prefix);
    for (int i = 0; i < 200; i++) {
      assertThat(reader.takeSession(NSP, "pid-c" + i).get(10, TimeUnit.SECONDS)).as("session %d", i).isNotNull();
    }
  }

  @Test
  void aSessionComesBackOnceWithItsRoomsDataAndTheEventsItMissed() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("once"));
    String last = store.append(NSP, to("room1"), "tick", new Object[] {"seen"}).join();
    store.saveSession(session("pid-1", "sock-1", Set.of("room1"), Map.of("user", "jane", "n", 3, "nested",
        Map.of("list", List.of(1, 2)))), Duration.ofMinutes(1)).join();
    String o1 = store.append(NSP, to("room1"), "tick", new Object[] {"missed-1", Map.of("k", "v")}).join();
    String o2 = store.append(NSP, BroadcastOptions.ALL, "all", new Object[] {"missed-2"}).join();

    Restored restored = restore(store, NSP, "pid-1", last);

    assertThat(restored).isNotNull();
    assertThat(restored.session().pid()).isEqualTo("pid-1");
    assertThat(restored.session().socketId()).isEqualTo("sock-1");
    assertThat(restored.session().namespace()).isEqualTo(NSP);
    assertThat(restored.session().rooms()).containsExactly("room1");
    assertThat(restored.session().data()).containsEntry("user", "jane").containsEntry("n", 3)
        .containsEntry("nested", Map.of("list", List.of(1, 2)));
    assertThat(restored.missed()).extracting(Missed::event).containsExactly("tick", "all");
    assertThat(firstArgs(restored)).containsExactly("missed-1", "missed-2");
    Object[] first = restored.missed().get(0).args();
    assertThat(first).hasSize(3);
    assertThat(first[1].toString()).isEqualTo("{\"k\":\"v\"}");
    assertThat(first[2]).isEqualTo(o1);
    assertThat(restored.missed().get(1).args()[1]).isEqualTo(o2);

    assertThat(restore(store, NSP, "pid-1", last)).as("a session is taken once").isNull();
  }

  @Test
  void aSessionSavedByOneStoreIsRestoredByAnotherOnTheSameRedis() throws Exception {
    String prefix = RedisExtension.uniqueKey("shared");
    RedisRecoveryStore node1 = store(prefix);
    RedisRecoveryStore node2 = store(prefix);
    String last = node1.append(NSP, to("room1"), "tick", new Object[] {0}).join();
    node1.saveSession(session("pid-s", "sock-s", Set.of("room1"), Map.of()), Duration.ofMinutes(1)).join();
    node1.append(NSP, to("room1"), "tick", new Object[] {1}).join();
    node2.append(NSP, to("room1"), "tick", new Object[] {2}).join();

    Restored restored = restore(node2, NSP, "pid-s", last);

    assertThat(firstArgs(restored)).containsExactly("1", "2");
  }

  @Test
  void aSessionExpiresAfterItsTimeToLive() throws Exception {
    String prefix = RedisExtension.uniqueKey("expiry");
    RedisRecoveryStore store = store(prefix);
    String last = store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {0}).join();
    store.saveSession(session("pid-e", "sock-e", Set.of(), Map.of()), Duration.ofMillis(300)).join();
    String key = prefix + ":session:pid-e";
    try (Connection redis = redis()) {
      redis.sendCommand(Protocol.Command.PTTL, key);
      assertThat(redis.getIntegerReply()).isBetween(1L, 300L);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
        redis.sendCommand(Protocol.Command.EXISTS, key);
        return redis.getIntegerReply() == 0;
      });
    }

    assertThat(restore(store, NSP, "pid-e", last)).isNull();
  }

  @Test
  void anOffsetThatIsNotInTheStreamMakesTheClientStartAfresh() throws Exception {
    String prefix = RedisExtension.uniqueKey("unknown");
    RedisRecoveryStore store = store(RedisRecoveryStoreOptions.builder().url(RedisExtension.url()).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(2)).maxLength(10));
    String first = store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {0}).join();
    for (int i = 1; i < 500; i++) {
      store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {i}).join();
    }
    try (Connection redis = redis()) {
      redis.sendCommand(Protocol.Command.XLEN, prefix + ":stream:/");
      assertThat(redis.getIntegerReply()).as("stream trimmed to about maxLength").isLessThan(500);
    }
    String kept = store.append(NSP, BroadcastOptions.ALL, "tick", new Object[] {500}).join();

    for (String pid : List.of("trimmed", "never-issued", "malformed", "control")) {
      store.saveSession(session(pid, "sock-" + pid, Set.of(), Map.of()), Duration.ofMinutes(1)).join();
    }
    assertThat(restore(store, NSP, "trimmed", first)).as("trimmed offset").isNull();
    assertThat(restore(store, NSP, "never-issued", "1-0")).as("offset never issued").isNull();
    assertThat(restore(store, NSP, "malformed", "not-an-offset")).as("malformed offset").isNull();
    assertThat(restore(store, NSP, "unknown-pid", kept)).as("unknown pid").isNull();
    assertThat(restore(store, NSP, "control", kept)).as("the same session with a kept offset").isNotNull();
  }

  @Test
  void missedEventsAreThoseWhoseRoomsAndExceptionsSelectTheSocket() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("filter"));
    String last = store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {"seen"}).join();
    store.saveSession(session("pid-f", "sock-f", Set.of("a", "b"), Map.of()), Duration.ofMinutes(1)).join();
    store.append(NSP, to("a"), "e", new Object[] {"to a"}).join();
    store.append(NSP, to("c"), "e", new Object[] {"to c"}).join();
    store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {"to all"}).join();
    store.append(NSP, toExcept(Set.of("a"), Set.of("b")), "e", new Object[] {"to a except b"}).join();
    store.append(NSP, toExcept(Set.of(), Set.of("c")), "e", new Object[] {"to all except c"}).join();
    store.append(NSP, to("sock-f"), "e", new Object[] {"to the socket"}).join();
    store.append(NSP, to("sock-other"), "e", new Object[] {"to another socket"}).join();
    store.append(NSP, to("c", "b"), "e", new Object[] {"to c and b"}).join();
    store.append(NSP, toExcept(Set.of(), Set.of("sock-f")), "e", new Object[] {"to all except the socket"}).join();
    store.append("/admin", BroadcastOptions.ALL, "e", new Object[] {"another namespace"}).join();

    Restored restored = restore(store, NSP, "pid-f", last);

    assertThat(firstArgs(restored)).containsExactly("to a", "to all", "to all except c", "to the socket",
        "to c and b");
  }

  @Test
  void aSessionOfAnotherNamespaceIsNotRestored() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("nsp"));
    String last = store.append("/admin", BroadcastOptions.ALL, "e", new Object[] {0}).join();
    store.saveSession(new Session("/admin", "pid-n", "sock-n", Set.of(), Map.of(), Instant.now()),
        Duration.ofMinutes(1)).join();

    assertThat(restore(store, NSP, "pid-n", last)).isNull();
  }

  @Test
  void binaryArgumentsComeBackAsBinary() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("binary"));
    String last = store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {"seen"}).join();
    store.saveSession(session("pid-b", "sock-b", Set.of(), Map.of()), Duration.ofMinutes(1)).join();
    String offset = store.append(NSP, BroadcastOptions.ALL, "file", new Object[] {new byte[] {1, 2, 3},
        ByteBuffer.wrap(new byte[] {4, 5}), Map.of("name", "a.bin", "content", new byte[] {6, (byte) 0xff}),
        BinaryNode.valueOf(new byte[] {7}), "text", 42}).join();

    Restored restored = restore(store, NSP, "pid-b", last);

    assertThat(restored.missed()).hasSize(1);
    Object[] args = restored.missed().get(0).args();
    assertThat(args).hasSize(7);
    assertThat(((JsonNode) args[0]).isBinary()).isTrue();
    assertThat(((JsonNode) args[0]).binaryValue()).containsExactly(1, 2, 3);
    assertThat(((JsonNode) args[1]).binaryValue()).containsExactly(4, 5);
    assertThat(((JsonNode) args[2]).get("name").asText()).isEqualTo("a.bin");
    assertThat(((JsonNode) args[2]).get("content").binaryValue()).containsExactly(6, 0xff);
    assertThat(((JsonNode) args[3]).binaryValue()).containsExactly(7);
    assertThat(((JsonNode) args[4]).asText()).isEqualTo("text");
    assertThat(((JsonNode) args[5]).asInt()).isEqualTo(42);
    assertThat(args[6]).isEqualTo(offset);
  }

  @Test
  void hundredsOfMissedEventsComeBackAllInOrder() throws Exception {
    RedisRecoveryStore store = store(RedisExtension.uniqueKey("pages"));
    String last = store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {-1}).join();
    store.saveSession(session("pid-p", "sock-p", Set.of("r"), Map.of()), Duration.ofMinutes(1)).join();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 350; i++) {
      store.append(NSP, to(i % 3 == 0 ? "other" : "r"), "e", new Object[] {i}).join();
      if (i % 3 != 0) {
        expected.add(Integer.toString(i));
      }
    }

    Restored restored = restore(store, NSP, "pid-p", last);

    assertThat(firstArgs(restored)).containsExactlyElementsOf(expected);
  }

  @Test
  void whileRedisIsDownAppendsReturnNoOffsetAtOnceAndRestoresStartAfresh() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      RedisRecoveryStore store = store(RedisRecoveryStoreOptions.builder().url(redis.url()).keyPrefix("down")
          .commandTimeout(Duration.ofSeconds(1)).reconnectMaxDelay(Duration.ofMillis(500)));
      String last = store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {0}).join();
      assertThat(last).isNotNull();
      store.saveSession(session("pid-d", "sock-d", Set.of(), Map.of()), Duration.ofMinutes(1)).join();

      redis.kill();
      long slowest = 0;
      for (int i = 0; i < 100; i++) {
        long start = System.nanoTime();
        assertThat(store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {i}).join()).isNull();
        slowest = Math.max(slowest, System.nanoTime() - start);
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest append while Redis is down, ms")
          .isLessThan(1_000 + 1_000);
      assertThat(store.unkeptEvents()).isEqualTo(100);
      assertThat(store.redisAvailable()).isFalse();
      assertThat(restore(store, NSP, "pid-d", last)).isNull();

      redis.restart();
      await().atMost(Duration.ofSeconds(10)).until(store::redisAvailable);
      assertThat(store.append(NSP, BroadcastOptions.ALL, "e", new Object[] {"back"}).join()).isNotNull();
    }
  }
}
