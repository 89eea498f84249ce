package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.Args;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** serverSideEmit between three nodes, with and without acks; the sender's own handlers never run. */
@ExtendWith(RedisExtension.class)
class ServerSideEmitIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void serverSideEmitRunsTheHandlersOfTheOtherNodesOnly(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("sse", mode).build(), 3)) {
      List<String> calls = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> both = new CompletableFuture<>();
      for (int i = 0; i < 3; i++) {
        int node = i;
        cluster.node(i).io().onServerSideEmit("hello-servers", (args, ack) -> {
          calls.add(node + ":" + args.get(0).path("from").asText() + ":" + args.get(1).asInt());
          if (calls.size() == 2) {
            both.complete(null);
          }
        });
      }

      cluster.node(0).io().serverSideEmit("hello-servers", java.util.Map.of("from", "A"), 42);

      both.get(10, TimeUnit.SECONDS);
      assertThat(calls).containsExactlyInAnyOrder("1:A:42", "2:A:42");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void serverSideEmitWithAckCollectsOneAnswerPerOtherNode(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("sse-ack", mode).build(), 3)) {
      for (int i = 0; i < 3; i++) {
        int node = i;
        cluster.node(i).io().onServerSideEmit("ask", (args, ack) -> ack.send("answer-from-" + node));
      }

      List<Args> answers = cluster.node(0).io().serverSideEmitWithAck("ask", "q?").get(10, TimeUnit.SECONDS);

      assertThat(answers).extracting(a -> a.getString(0)).containsExactlyInAnyOrder("answer-from-1",
          "answer-from-2");
      assertThat(cluster.node(0).adapter().pendingRequests()).isZero();
    }
  }
}
