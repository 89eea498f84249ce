package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.Args;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * emitWithAck across three nodes: each node reports its client count, then forwards each client's ack (its first
 * argument, as the Node adapter does); the future completes with one answer per client of the cluster.
 */
@ExtendWith(RedisExtension.class)
class BroadcastWithAckIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void emitWithAckCollectsTheAcksOfTheClientsOfEveryNode(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("acks", mode).build(), 3)) {
      cluster.node(0).client("room1");
      cluster.node(1).client("room1");
      cluster.node(2).client("room1");
      cluster.node(2).client("room1", "x");
      cluster.node(2).client("elsewhere");

      List<Args> answers = cluster.node(0).io().to("room1").timeout(Duration.ofSeconds(8))
          .emitWithAck("need-ack", 1).get(10, TimeUnit.SECONDS);

      assertThat(answers).extracting(a -> a.getString(0)).containsExactlyInAnyOrder("ack-from-room1",
          "ack-from-room1", "ack-from-room1", "ack-from-room1,x");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void theAckRequestIsForgottenAfterItsTimeout(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("acks-gc", mode).build(), 2)) {
      cluster.node(1).client("room1");

      cluster.node(0).io().to("room1").timeout(Duration.ofMillis(500)).emitWithAck("need-ack")
          .get(10, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(5)).until(() -> cluster.node(0).adapter().pendingRequests() == 0);
    }
  }
}
