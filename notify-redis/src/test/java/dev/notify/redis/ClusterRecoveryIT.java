package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.RecoveryStore;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.redis.testing.NodeProcess;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TcpProxy;
import dev.notify.redis.testing.TestClient;
import dev.notify.redis.testing.TestNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Connection state recovery across a cluster: two Java nodes (RedisAdapter + {@link RedisRecoveryStore} on one
 * Redis) and the npm {@code socket.io-client} 4.8.4 ({@code interop/clients/recovery.mjs}), which connects through a
 * {@link TcpProxy} standing in for a load balancer. The client receives ticks, drops its transport, events are
 * emitted from both nodes while it is away, the proxy sends its reconnection to the same node or to the other one:
 * it recovers its socket id and rooms and gets every missed event once, in order. Also: a client that comes back
 * after {@code maxDisconnectionDuration} starts afresh, and a Redis that is down or frozen neither blocks emits
 * beyond the store's command timeout nor keeps them from connected clients.
 */
@ExtendWith(RedisExtension.class)
class ClusterRecoveryIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** A socket that connected to a node, and how it left. */
  private record Connected(Socket socket, CompletableFuture<DisconnectReason> gone) {
  }

  /**
   * One node: NotifyServer + RedisAdapter + its own RedisRecoveryStore instance, on NotifyStandalone at
   * 127.0.0.1:0. A fresh (not recovered) socket joins the rooms of {@code auth.rooms}; {@code ready} answers its id.
   */
  private static final class Node implements AutoCloseable {
    final RedisRecoveryStore store;
    final NotifyServer io;
    final NotifyStandalone http;
    final BlockingQueue<Connected> connections = new LinkedBlockingQueue<>();

    Node(RedisAdapterOptions adapter, RedisRecoveryStoreOptions recovery) {
      store = RedisRecoveryStore.create(recovery);
      io = NotifyServer.builder()
          .adapter(RedisAdapter.factory(adapter))
          .connectionStateRecovery(recovery.maxDisconnectionDuration())
          .recoveryStore(store)
          .build();
      io.onConnection(socket -> {
        if (!socket.recovered()) {
          for (String room : socket.handshake().auth().path("rooms").asText("").split(",")) {
            if (!room.isEmpty()) {
              socket.join(room);
            }
          }
        }
        socket.on("ready", (args, ack) -> ack.send(socket.id()));
        CompletableFuture<DisconnectReason> gone = new CompletableFuture<>();
        socket.onDisconnect(gone::complete);
        connections.add(new Connected(socket, gone));
      });
      http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).start();
      try {
        io.of("/").ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        close();
        throw new IllegalStateException("node not subscribed: " + e, e);
      }
    }

    int port() {
      return http.port();
    }

    Connected awaitConnection() throws InterruptedException {
      Connected c = connections.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (c == null) {
        fail("no connection on node :" + port() + " within " + WAIT);
      }
      return c;
    }

    void awaitServerCount(int n) {
      await().atMost(WAIT).until(() -> io.of("/").adapter().serverCount().get(5, TimeUnit.SECONDS) == n);
    }

    @Override
    public void close() {
      io.close();
      http.close();
      store.close(); // after the server: closing saves the sessions of its clients
    }
  }

  /** Two nodes on the shared Redis, one adapter key and one recovery key prefix for this test. */
  private static List<Node> twoNodes(String test, Duration maxDisconnection) {
    RedisAdapterOptions adapter = RedisAdapterOptions.builder().url(RedisExtension.url())
        .key(RedisExtension.uniqueKey(test)).build();
    RedisRecoveryStoreOptions recovery = RedisRecoveryStoreOptions.builder().url(RedisExtension.url())
        .keyPrefix(RedisExtension.uniqueKey(test + "-recovery")).maxDisconnectionDuration(maxDisconnection)
        .commandTimeout(Duration.ofSeconds(2)).build(); // generous: on a loaded machine a slow reply is no outage
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node(adapter, recovery));
    nodes.add(new Node(adapter, recovery));
    for (Node node : nodes) {
      node.awaitServerCount(2);
    }
    return nodes;
  }

  private static void closeAll(List<Node> nodes) {
    for (Node node : nodes) {
      node.close();
    }
  }

  enum Target { SAME_NODE, OTHER_NODE }

  @ParameterizedTest(name = "client comes back to the {0}")
  @EnumSource(Target.class)
  void theClientRecoversItsSocketRoomsAndEveryMissedEventInOrder(Target target) throws Exception {
    List<Node> nodes = twoNodes("recover-" + target, Duration.ofMinutes(2));
    Node node1 = nodes.get(0);
    Node node2 = nodes.get(1);
    try (TcpProxy proxy = TcpProxy.start(node1.port());
        NodeProcess client = NodeProcess.start("clients/recovery.mjs", "http://127.0.0.1:" + proxy.port(),
            "room1", "3")) {
      Connected first = node1.awaitConnection();
      assertThat(first.socket().recovered()).isFalse();
      proxy.hold(); // the client's reconnection will wait until the missed events are emitted

      // live: from node 1 only, so they arrive in offset order and the client's last offset is tick 3's
      for (int n = 1; n <= 3; n++) {
        node1.io.to("room1").emit("tick", n);
      }
      assertThat(first.gone().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);

      // away: from both nodes; what does not target the client is noise it must not get
      node1.io.to("room1").emit("tick", 4);
      node2.io.to("room1").emit("tick", 5);
      node2.io.to("room2").emit("noise", "other room");
      node1.io.emit("tick", 6);
      node2.io.except("room1").emit("noise", "excepted");
      node2.io.to("room1").emit("tick", 7, new byte[] {7, 7});
      node1.io.to("room1").emit("tick", 8);

      Node back = target == Target.SAME_NODE ? node1 : node2;
      proxy.release(back.port());
      Connected second = back.awaitConnection();
      assertThat(second.socket().recovered()).isTrue();
      assertThat(second.socket().id()).isEqualTo(first.socket().id());
      assertThat(second.socket().rooms()).contains("room1");
      // the rooms are back in the cluster: a broadcast from the other node reaches it
      (back == node1 ? node2 : node1).io.to("room1").emit("done");

      JsonNode seen = client.awaitLine("connects");
      assertThat(seen.get("connects")).hasSize(2);
      assertThat(seen.get("connects").get(0).get("recovered").asBoolean()).isFalse();
      assertThat(seen.get("connects").get(1).get("recovered").asBoolean()).isTrue();
      assertThat(seen.get("connects").get(1).get("id").asText()).isEqualTo(first.socket().id());
      assertThat(seen.get("disconnect").asText()).isEqualTo("forced close");

      List<Integer> ticks = new ArrayList<>();
      List<JsonNode> tickArgs = new ArrayList<>();
      List<Integer> connectionOf = new ArrayList<>();
      List<String> offsets = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (JsonNode e : seen.get("events")) {
        names.add(e.get("event").asText());
        if (e.get("event").asText().equals("tick")) {
          JsonNode args = e.get("args");
          ticks.add(args.get(0).asInt());
          tickArgs.add(args);
          connectionOf.add(e.get("conn").asInt());
          offsets.add(args.get(args.size() - 1).asText());
        }
      }
      assertThat(names).doesNotContain("noise").endsWith("done");
      assertThat(ticks.subList(0, 3)).as("live").containsExactly(1, 2, 3);
      // each node's events keep their order; between two nodes, it is the order in which Redis kept them
      List<Integer> missed = ticks.subList(3, ticks.size());
      assertThat(missed).as("every missed tick once").containsExactlyInAnyOrder(4, 5, 6, 7, 8);
      assertThat(missed).as("node 1's, in order").filteredOn(t -> t % 2 == 0).containsExactly(4, 6, 8);
      assertThat(missed).as("node 2's, in order").filteredOn(t -> t % 2 == 1).containsExactly(5, 7);
      assertThat(connectionOf).containsExactly(0, 0, 0, 1, 1, 1, 1, 1);
      assertThat(offsets).allMatch(o -> o.matches("\\d+-\\d+"));
      for (int i = 1; i < offsets.size(); i++) {
        assertThat(RecoveryStore.compareOffsets(offsets.get(i - 1), offsets.get(i))).as("offsets %s", offsets)
            .isNegative();
      }
      assertThat(tickArgs.get(ticks.indexOf(7)).get(1).get("$binary").asText())
          .as("binary argument replayed as binary").isEqualTo("0707");
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void aClientThatComesBackAfterMaxDisconnectionDurationStartsAfresh() throws Exception {
    List<Node> nodes = twoNodes("expired", Duration.ofSeconds(3));
    Node node1 = nodes.get(0);
    Node node2 = nodes.get(1);
    String prefix = node1.store.options().keyPrefix();
    try (TcpProxy proxy = TcpProxy.start(node1.port());
        NodeProcess client = NodeProcess.start("clients/recovery.mjs", "http://127.0.0.1:" + proxy.port(),
            "room1", "2");
        Connection redis = redis()) {
      Connected first = node1.awaitConnection();
      proxy.hold();
      node1.io.to("room1").emit("tick", 1);
      node1.io.to("room1").emit("tick", 2);
      first.gone().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      node2.io.to("room1").emit("tick", 3);
      // the session is saved asynchronously once the socket is gone: kept at first (for 3 s)
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
          .until(() -> sessionKeys(redis, prefix).size() == 1);
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .until(() -> sessionKeys(redis, prefix).isEmpty());

      proxy.release(node2.port());
      Connected second = node2.awaitConnection();
      assertThat(second.socket().recovered()).isFalse();
      assertThat(second.socket().id()).isNotEqualTo(first.socket().id());
      node1.io.to("room1").emit("done"); // it joined room1 again as a fresh socket

      JsonNode seen = client.awaitLine("connects");
      assertThat(seen.get("connects").get(1).get("recovered").asBoolean()).isFalse();
      List<Integer> ticks = new ArrayList<>();
      for (JsonNode e : seen.get("events")) {
        if (e.get("event").asText().equals("tick")) {
          ticks.add(e.get("args").get(0).asInt());
        }
      }
      assertThat(ticks).as("tick 3 was missed and is not replayed").containsExactly(1, 2);
    } finally {
      closeAll(nodes);
    }
  }

  enum Failure { KILLED, FROZEN }

  @ParameterizedTest(name = "Redis {0}")
  @EnumSource(Failure.class)
  void whileRedisIsDownEmitsStayWithinTheTimeoutAndReachConnectedClientsWithoutOffset(Failure failure)
      throws Exception {
    Duration commandTimeout = Duration.ofSeconds(1);
    try (RedisServer redis = RedisServer.start()) {
      RedisAdapterOptions adapter = RedisAdapterOptions.builder().url(redis.url()).key("outage")
          .reconnectMaxDelay(Duration.ofSeconds(1)).build();
      RedisRecoveryStoreOptions recovery = RedisRecoveryStoreOptions.builder().url(redis.url()).keyPrefix("outage")
          .commandTimeout(commandTimeout).reconnectMaxDelay(Duration.ofMillis(500)).build();
      try (Node node = new Node(adapter, recovery)) {
        TestClient client = TestNode.externalClient(node.port(), "room1");
        node.io.to("room1").emit("before", 0);
        assertThat(client.await("before", 1).get(0).args()).as("value and offset").hasSize(2);

        if (failure == Failure.KILLED) {
          redis.kill();
        } else {
          signal("STOP", redis.pid());
        }
        try {
          long slowest = 0;
          long start = System.nanoTime();
          for (int i = 0; i < 50; i++) {
            long t = System.nanoTime();
            node.io.to("room1").emit("during", i);
            slowest = Math.max(slowest, System.nanoTime() - t);
          }
          long total = System.nanoTime() - start;
          // one emit may wait for the timeout (it finds Redis gone); the others skip Redis at once
          assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("slowest emit, ms")
              .isLessThan(commandTimeout.toMillis() + 1_000);
          assertThat(TimeUnit.NANOSECONDS.toMillis(total)).as("50 emits, ms")
              .isLessThan(2 * commandTimeout.toMillis() + 2_000);
          List<TestClient.Received> during = client.await("during", 50);
          assertThat(during).allSatisfy(r -> assertThat(r.args()).as("no offset").hasSize(1));
          assertThat(during).extracting(r -> r.args().get(0)).containsExactlyElementsOf(range(50));
          assertThat(node.store.redisAvailable()).isFalse();
          assertThat(node.store.unkeptEvents()).isEqualTo(50);
        } finally {
          if (failure == Failure.KILLED) {
            redis.restart();
          } else {
            signal("CONT", redis.pid());
          }
        }

        await().atMost(WAIT).until(node.store::redisAvailable);
        node.io.to("room1").emit("after", 1);
        assertThat(client.await("after", 1).get(0).args()).as("offsets are back").hasSize(2);
        client.close();
      }
    }
  }

  private static List<Object> range(int n) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  private static Connection redis() {
    URI url = URI.create(RedisExtension.url());
    return new Connection(new HostAndPort(url.getHost(), url.getPort()));
  }

  private static List<String> sessionKeys(Connection redis, String prefix) {
    redis.sendCommand(Protocol.Command.KEYS, prefix + ":session:*");
    List<String> keys = new ArrayList<>();
    for (Object key : redis.getObjectMultiBulkReply()) {
      keys.add(new String((byte[]) key, java.nio.charset.StandardCharsets.UTF_8));
    }
    return keys;
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
