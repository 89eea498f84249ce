package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * socketsJoin and socketsLeave across nodes, and the ordering guarantee: a join (or leave) followed at once by a
 * broadcast to that room is applied before the broadcast on every node. Sharded mode uses STATIC subscriptions,
 * the mode that keeps that order (see {@link SubscriptionMode#DYNAMIC}).
 */
@ExtendWith(RedisExtension.class)
class SocketsJoinIT {

  private static Cluster cluster(String test, RedisMode mode) {
    return Cluster.start(Cluster.options(test, mode).subscriptionMode(SubscriptionMode.STATIC).build(), 3);
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aBroadcastRightAfterSocketsJoinReachesTheSocketsThatJoined(RedisMode mode) {
    try (Cluster cluster = cluster("join", mode)) {
      TestClient b = cluster.node(1).client("user:42");
      TestClient c = cluster.node(2).client("user:42");
      TestClient other = cluster.node(2).client("user:43");

      for (int i = 0; i < 20; i++) {
        String room = "project-" + i;
        cluster.node(0).io().in("user:42").socketsJoin(room);
        cluster.node(0).io().to(room).emit("joined", i);
      }
      cluster.node(0).io().emit("marker");

      b.await("marker", 1);
      c.await("marker", 1);
      other.await("marker", 1);
      assertThat(b.received("joined")).hasSize(20);
      assertThat(c.received("joined")).hasSize(20);
      assertThat(other.received("joined")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void aBroadcastRightAfterSocketsLeaveMissesTheSocketsThatLeft(RedisMode mode) {
    try (Cluster cluster = cluster("leave", mode)) {
      TestClient b = cluster.node(1).client("room1", "stay");
      TestClient c = cluster.node(2).client("room1");

      cluster.node(0).io().in("stay").socketsLeave("room1");
      cluster.node(0).io().to("room1").emit("after-leave");
      cluster.node(0).io().emit("marker");

      b.await("marker", 1);
      c.await("marker", 1);
      assertThat(b.received("after-leave")).isEmpty();
      assertThat(c.received("after-leave")).hasSize(1);
    }
  }
}
