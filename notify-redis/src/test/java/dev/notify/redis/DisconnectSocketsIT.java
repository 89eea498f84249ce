package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** disconnectSockets across nodes: only the matching sockets go. */
@ExtendWith(RedisExtension.class)
class DisconnectSocketsIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void disconnectSocketsDisconnectsTheMatchingSocketsOfEveryNode(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("disconnect", mode).build(), 2)) {
      TestClient gone = cluster.node(1).client("kick");
      TestClient closed = cluster.node(1).client("close");
      TestClient stays = cluster.node(1).client("stay");

      cluster.node(0).io().in("kick").disconnectSockets(false);
      cluster.node(0).io().in("close").disconnectSockets(true);
      cluster.node(0).io().emit("marker");

      assertThat(gone.disconnected().get(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
      // as Socket.IO: close=true sends DISCONNECT to every socket of the connection, then closes it
      assertThat(closed.disconnected().get(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
      stays.await("marker", 1);
      assertThat(stays.connected()).isTrue();
    }
  }
}
