package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.SilentNode;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subscriber that never answers counts as a node: requests wait for it, then fail with a timeout naming the
 * request and how many of how many nodes answered, and leave nothing behind.
 */
@ExtendWith(RedisExtension.class)
class RequestTimeoutIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void fetchSocketsTimesOutNamingTheRequestAndTheNodesThatAnswered(RedisMode mode) {
    RedisAdapterOptions options = Cluster.options("timeout", mode).requestsTimeout(Duration.ofMillis(1500)).build();
    try (Cluster cluster = Cluster.start(options, 2);
        SilentNode silent = new SilentNode(RedisExtension.url(), options.key(), "/", mode)) {
      cluster.node(0).awaitServerCount(3);
      cluster.node(1).client("room1");

      Throwable error = catchThrowable(() -> cluster.node(0).io().fetchSockets().get(10, TimeUnit.SECONDS));

      assertThat(error).isInstanceOf(ExecutionException.class).cause()
          .isInstanceOf(RedisRequestTimeoutException.class)
          .hasMessageStartingWith("fetchSockets request ")
          .hasMessageContaining("timed out after 1500 ms: 1 of 2 other nodes answered");
      RedisRequestTimeoutException timeout = (RedisRequestTimeoutException) error.getCause();
      assertThat(timeout.requestType()).isEqualTo("fetchSockets");
      assertThat(timeout.answered()).isEqualTo(1);
      assertThat(timeout.expected()).isEqualTo(2);
      assertThat(cluster.node(0).adapter().pendingRequests()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void serverSideEmitWithAckTimesOutWhenANodeIsSilent(RedisMode mode) {
    RedisAdapterOptions options = Cluster.options("timeout-sse", mode).requestsTimeout(Duration.ofMillis(1500))
        .build();
    try (Cluster cluster = Cluster.start(options, 2);
        SilentNode silent = new SilentNode(RedisExtension.url(), options.key(), "/", mode)) {
      cluster.node(0).awaitServerCount(3);
      cluster.node(1).io().onServerSideEmit("ask", (args, ack) -> ack.send("yes"));

      Throwable error = catchThrowable(() -> cluster.node(0).io().serverSideEmitWithAck("ask")
          .get(10, TimeUnit.SECONDS));

      assertThat(error).cause().isInstanceOf(RedisRequestTimeoutException.class)
          .hasMessageContaining("serverSideEmit request ").hasMessageContaining("1 of 2 other nodes answered");
      assertThat(((RedisRequestTimeoutException) error.getCause()).partial()).hasSize(1);
      assertThat(cluster.node(0).adapter().pendingRequests()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void closingTheServerFailsItsPendingRequests(RedisMode mode) {
    RedisAdapterOptions options = Cluster.options("timeout-close", mode).requestsTimeout(Duration.ofSeconds(30))
        .build();
    try (Cluster cluster = Cluster.start(options, 1);
        SilentNode silent = new SilentNode(RedisExtension.url(), options.key(), "/", mode)) {
      cluster.node(0).awaitServerCount(2);
      var pending = cluster.node(0).io().fetchSockets();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> cluster.node(0).adapter().pendingRequests() == 1);

      cluster.node(0).io().close();

      Throwable error = catchThrowable(() -> pending.get(10, TimeUnit.SECONDS));
      assertThat(error).cause().isInstanceOf(RedisAdapterException.class).hasMessageContaining("cancelled");
      assertThat(cluster.node(0).adapter().pendingRequests()).isZero();
    }
  }
}
