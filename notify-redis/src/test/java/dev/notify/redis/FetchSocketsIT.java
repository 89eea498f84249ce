package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.RemoteSocket;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** fetchSockets and allRooms across three nodes, and acting on a fetched remote socket. */
@ExtendWith(RedisExtension.class)
class FetchSocketsIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void fetchSocketsReturnsTheMatchingSocketsOfEveryNodeWithRoomsAndData(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("fetch", mode).build(), 3)) {
      TestClient a = cluster.node(0).clientOf("/", "alice", "room1");
      TestClient b = cluster.node(1).clientOf("/", "bob", "room1", "room2");
      TestClient c = cluster.node(2).clientOf("/", "carol", "room2");

      List<RemoteSocket> all = cluster.node(0).io().fetchSockets().get(10, TimeUnit.SECONDS);
      assertThat(all).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
      RemoteSocket bob = all.stream().filter(s -> s.id().equals(b.id())).findFirst().orElseThrow();
      assertThat(bob.rooms()).containsExactlyInAnyOrder(b.id(), "room1", "room2");
      assertThat(bob.data().path("user").asText()).isEqualTo("bob");
      assertThat(bob.handshake().url()).startsWith("/socket.io/");

      List<RemoteSocket> room1 = cluster.node(2).io().in("room1").except("room2").fetchSockets()
          .get(10, TimeUnit.SECONDS);
      assertThat(room1).extracting(RemoteSocket::id).containsExactly(a.id());

      assertThat(cluster.node(0).adapter().pendingRequests()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aFetchedRemoteSocketCanBeReachedJoinedAndDisconnected(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("remote", mode).build(), 2)) {
      TestClient b = cluster.node(1).client("room1");

      RemoteSocket remote = cluster.node(0).io().in("room1").fetchSockets().get(10, TimeUnit.SECONDS).get(0);
      remote.emit("direct", "hi");
      b.await("direct", 1);

      remote.join("vip");
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(0).io().in("vip").fetchSockets()
          .get(10, TimeUnit.SECONDS).size() == 1);

      remote.disconnect(false);
      assertThat(b.disconnected().get(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void allRoomsListsTheRoomsOfEveryNode(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("rooms", mode).build(), 2)) {
      TestClient a = cluster.node(0).client("room-a");
      TestClient b = cluster.node(1).client("room-b", "room-c");

      Set<String> rooms = cluster.node(0).adapter().allRooms().get(10, TimeUnit.SECONDS);

      assertThat(rooms).contains("room-a", "room-b", "room-c", a.id(), b.id());
    }
  }
}
