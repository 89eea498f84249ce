package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.Jedis;

/**
 * Broadcasts across three Java nodes, real clients on each: rooms, except, several rooms, binary, the local flag,
 * and no duplicate delivery. A negative check waits for a later "marker" broadcast from the same node, which every
 * node applies in publish order, then asserts what did not arrive.
 */
@ExtendWith(RedisExtension.class)
class BroadcastIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void roomBroadcastReachesTheRoomMembersOnEveryNodeAndNobodyElse(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("room", mode).build(), 3)) {
      TestClient a = cluster.node(0).client("room1");
      TestClient b = cluster.node(1).client("room1");
      TestClient c = cluster.node(2).client("room2");
      TestClient d = cluster.node(2).client("room1", "room2");

      cluster.node(0).io().to("room1").emit("hello", Map.of("from", "node0"), 42);
      cluster.node(0).io().emit("marker");

      for (TestClient client : new TestClient[] {a, b, c, d}) {
        client.await("marker", 1);
      }
      assertThat(a.received("hello")).hasSize(1);
      assertThat(b.received("hello")).hasSize(1);
      assertThat(d.received("hello")).hasSize(1);
      assertThat(c.received("hello")).isEmpty();
      assertThat(b.received("hello").get(0).args()).hasSize(2);
      assertThat(b.received("hello").get(0).args().get(0).toString()).isEqualTo("{\"from\":\"node0\"}");
      assertThat(b.received("hello").get(0).args().get(1)).isEqualTo(42);
    }
  }

  /** Redis traffic of a broadcast: one PUBLISH, whatever the number of sockets and nodes it reaches. */
  @Test
  void aBroadcastIsOnePublishWhateverTheNumberOfSocketsItReaches() throws Exception {
    RedisAdapterOptions options = Cluster.options("one-publish", RedisMode.CLASSIC).build();
    try (Cluster cluster = Cluster.start(options, 3);
        Jedis listener = new Jedis(URI.create(RedisExtension.url()))) {
      List<TestClient> crowd = new ArrayList<>();
      for (int node = 0; node < 3; node++) {
        for (int i = 0; i < 4; i++) {
          crowd.add(cluster.node(node).client("crowd"));
        }
      }
      Queue<String> published = new ConcurrentLinkedQueue<>();
      BinaryJedisPubSub counter = new BinaryJedisPubSub() {
        @Override
        public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
          // the event name travels as a msgpack string inside the payload
          String payload = new String(message, StandardCharsets.ISO_8859_1);
          published.add(payload.contains("marker") ? "marker" : payload.contains("wave") ? "wave" : "other");
        }
      };
      Thread subscriber = new Thread(() -> listener.psubscribe(counter,
          (options.key() + "*").getBytes(StandardCharsets.UTF_8)), "one-publish-counter");
      subscriber.start();
      await().atMost(Duration.ofSeconds(10)).until(counter::isSubscribed);

      for (int i = 0; i < 10; i++) {
        cluster.node(0).io().to("crowd").emit("wave", i);
      }
      cluster.node(0).io().to("crowd").emit("marker");

      for (TestClient member : crowd) {
        member.await("marker", 1);
        assertThat(member.received("wave")).hasSize(10);
      }
      // the counter reads in publish order: once it has the marker, it has every publish before it
      await().atMost(Duration.ofSeconds(10)).until(() -> published.contains("marker"));
      counter.punsubscribe();
      subscriber.join(5_000);
      assertThat(published).as("12 sockets on 3 nodes, 10 broadcasts and a marker")
          .containsExactly("wave", "wave", "wave", "wave", "wave", "wave", "wave", "wave", "wave", "wave", "marker");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void exceptLeavesOutTheSocketsOfTheExceptedRoomsOnEveryNode(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("except", mode).build(), 2)) {
      TestClient kept = cluster.node(1).client("room1");
      TestClient left = cluster.node(1).client("room1", "muted");
      TestClient keptLocal = cluster.node(0).client("room1");
      TestClient leftLocal = cluster.node(0).client("muted");

      cluster.node(0).io().to("room1").except("muted").emit("news", "x");
      cluster.node(0).io().emit("marker");

      for (TestClient client : new TestClient[] {kept, left, keptLocal, leftLocal}) {
        client.await("marker", 1);
      }
      assertThat(kept.received("news")).hasSize(1);
      assertThat(keptLocal.received("news")).hasSize(1);
      assertThat(left.received("news")).isEmpty();
      assertThat(leftLocal.received("news")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aSocketInSeveralTargetedRoomsGetsTheEventOnce(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("multi", mode).build(), 2)) {
      TestClient both = cluster.node(1).client("r1", "r2");
      TestClient one = cluster.node(1).client("r2");

      cluster.node(0).io().to("r1", "r2").emit("multi");
      cluster.node(0).io().emit("marker");

      both.await("marker", 1);
      one.await("marker", 1);
      assertThat(both.received("multi")).hasSize(1);
      assertThat(one.received("multi")).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void binaryArgumentsCrossNodesAsBinary(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("binary", mode).build(), 2)) {
      TestClient client = cluster.node(1).client("room1");

      cluster.node(0).io().to("room1").emit("file", new byte[] {1, 2, 3, (byte) 255}, Map.of("name", "f.bin"));

      Object first = client.await("file", 1).get(0).args().get(0);
      assertThat(first).isInstanceOf(byte[].class);
      assertThat((byte[]) first).containsExactly(1, 2, 3, (byte) 255);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void theLocalFlagKeepsTheBroadcastOnItsNode(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("local", mode).build(), 2)) {
      TestClient here = cluster.node(0).client("room1");
      TestClient there = cluster.node(1).client("room1");

      cluster.node(0).io().local().to("room1").emit("local-only");
      cluster.node(0).io().to("room1").emit("marker");

      here.await("marker", 1);
      there.await("marker", 1);
      assertThat(here.received("local-only")).hasSize(1);
      assertThat(there.received("local-only")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aNodeNeverDeliversItsOwnPublishASecondTime(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("self", mode).build(), 2)) {
      TestClient here = cluster.node(0).client("room1");

      for (int i = 0; i < 5; i++) {
        cluster.node(0).io().to("room1").emit("n", i);
      }
      cluster.node(1).io().to("room1").emit("marker");

      here.await("marker", 1);
      assertThat(here.received("n")).extracting(r -> r.args().get(0)).containsExactly(0, 1, 2, 3, 4);
    }
  }
}
