package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.notify.core.server.Args;
import dev.notify.core.server.RemoteSocket;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.NodeProcess;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import dev.notify.redis.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interop with the Node.js reference from npm (interop/package.json): Node's {@code @socket.io/redis-emitter}
 * reaching Java nodes, our {@link RedisEmitter} reaching a Node {@code socket.io} server on
 * {@code @socket.io/redis-adapter}, and a mixed cluster of one Node node and one Java node (classic and sharded).
 * Clients are real Java Socket.IO clients, on either server.
 */
@ExtendWith(RedisExtension.class)
class NodeInteropIT {

  @Test
  void nodeRedisEmitterReachesTheJavaClientOfThatUserOnly() throws Exception {
    RedisAdapterOptions options = Cluster.options("node-emitter", RedisMode.CLASSIC).build();
    try (Cluster cluster = Cluster.start(options, 2)) {
      TestClient user42 = cluster.node(1).client("user:42");
      TestClient user43 = cluster.node(0).client("user:43");

      NodeProcess.run("redis-emitter.mjs", RedisExtension.url(), options.key(), "user:42", "notification:new",
          "{\"id\":1,\"text\":\"hi from node\"}");

      user42.await("marker", 1);
      user43.await("marker", 1);
      assertThat(user42.received("notification:new")).hasSize(1);
      assertThat(user42.received("notification:new").get(0).args().get(0).toString())
          .isEqualTo("{\"id\":1,\"text\":\"hi from node\"}");
      assertThat(user43.received("notification:new")).isEmpty();
    }
  }

  @Test
  void aDateFromNodeReachesTheJavaClientAsTheIsoStringNodeWouldSend() throws Exception {
    RedisAdapterOptions options = Cluster.options("node-date", RedisMode.CLASSIC).build();
    try (Cluster cluster = Cluster.start(options, 1)) {
      TestClient user = cluster.node(0).client("user:42");
      long millis = 1_764_677_696_789L;

      NodeProcess.run("redis-emitter.mjs", RedisExtension.url(), options.key(), "user:42", "notification:new",
          "{\"at\":{\"$date\":" + millis + "},\"whole\":{\"$date\":1764677696000},\"id\":3}");

      assertThat(user.await("notification:new", 1).get(0).args().get(0).toString())
          .isEqualTo("{\"at\":\"" + Instant.ofEpochMilli(millis) + "\",\"whole\":\"2025-12-02T12:14:56.000Z\","
              + "\"id\":3}");
    }
  }

  @Test
  void ourRedisEmitterReachesTheClientOfANodeServer() throws Exception {
    String key = RedisExtension.uniqueKey("java-emitter");
    try (NodeProcess node = NodeProcess.start("redis-node.mjs", RedisExtension.url(), key, "classic");
        RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(RedisExtension.url()).key(key)
            .build())) {
      int port = node.awaitLine("listening").get("listening").asInt();
      TestClient onNode = TestNode.externalClient(port, "user:42");
      TestClient other = TestNode.externalClient(port, "user:43");

      emitter.to("user:42").emit("notification:new", Map.of("id", 2), new byte[] {7, 8});
      emitter.emit("marker");

      onNode.await("marker", 1);
      other.await("marker", 1);
      assertThat(onNode.received("notification:new")).hasSize(1);
      assertThat(onNode.received("notification:new").get(0).args().get(0).toString()).isEqualTo("{\"id\":2}");
      assertThat((byte[]) onNode.received("notification:new").get(0).args().get(1)).containsExactly(7, 8);
      assertThat(other.received("notification:new")).isEmpty();
      onNode.close();
      other.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aMixedClusterOfANodeAndAJavaNodeSharesBroadcastsAndSockets(RedisMode mode) throws Exception {
    RedisAdapterOptions options = Cluster.options("mixed", mode).build();
    try (NodeProcess node = NodeProcess.start("redis-node.mjs", RedisExtension.url(), options.key(),
            mode == RedisMode.SHARDED ? "sharded" : "classic");
        Cluster cluster = new Cluster(options)) {
      int port = node.awaitLine("listening").get("listening").asInt();
      TestNode javaNode = cluster.add();
      javaNode.awaitServerCount(2);
      TestClient onJava = javaNode.clientOf("/", "jane", "room1");
      TestClient onNode = TestNode.externalClient(port, "room1");
      TestClient onNodeOther = TestNode.externalClient(port, "room2");

      // Java -> both
      javaNode.io().to("room1").emit("from-java", Map.of("n", 1));
      javaNode.io().emit("marker-java");
      onJava.await("marker-java", 1);
      onNode.await("marker-java", 1);
      onNodeOther.await("marker-java", 1);
      assertThat(onJava.received("from-java")).hasSize(1);
      assertThat(onNode.received("from-java")).hasSize(1);
      assertThat(onNodeOther.received("from-java")).isEmpty();

      // Node -> both
      ObjectNode emit = NodeProcess.cmd("emit").put("event", "from-node");
      emit.putArray("rooms").add("room1");
      emit.putArray("args").addObject().put("n", 2);
      node.command(emit);
      node.command(NodeProcess.cmd("emit").put("event", "marker-node"));
      onJava.await("marker-node", 1);
      onNode.await("marker-node", 1);
      assertThat(onJava.received("from-node")).hasSize(1);
      assertThat(onJava.received("from-node").get(0).args().get(0).toString()).isEqualTo("{\"n\":2}");
      assertThat(onNode.received("from-node")).hasSize(1);

      // fetchSockets from Java sees the Node node's sockets
      List<RemoteSocket> sockets = javaNode.io().fetchSockets().get(10, TimeUnit.SECONDS);
      assertThat(sockets).extracting(RemoteSocket::id)
          .containsExactlyInAnyOrder(onJava.id(), onNode.id(), onNodeOther.id());
      RemoteSocket nodeSocket = sockets.stream().filter(s -> s.id().equals(onNode.id())).findFirst().orElseThrow();
      assertThat(nodeSocket.rooms()).contains("room1");

      // and the Node node sees ours
      JsonNode fromNode = node.command(NodeProcess.cmd("fetchSockets")).get("sockets");
      List<String> ids = new ArrayList<>();
      fromNode.forEach(s -> ids.add(s.get("id").asText()));
      assertThat(ids).contains(onJava.id());
      JsonNode jane = null;
      for (JsonNode s : fromNode) {
        if (s.get("id").asText().equals(onJava.id())) {
          jane = s;
        }
      }
      assertThat(jane.path("data").path("user").asText()).isEqualTo("jane");

      // serverSideEmit with ack: Java asks, the Node node answers
      List<Args> answers = javaNode.io().serverSideEmitWithAck("ask", "q").get(10, TimeUnit.SECONDS);
      assertThat(answers).extracting(a -> a.getString(0)).containsExactly("answer-from-node:q");

      // broadcast with acks from Java reaches the Node node's client and counts it
      List<Args> acks = javaNode.io().to("room1").timeout(Duration.ofSeconds(5)).emitWithAck("need-ack")
          .get(10, TimeUnit.SECONDS);
      assertThat(acks).hasSize(2);
      onNode.close();
      onNodeOther.close();
    }
  }
}
