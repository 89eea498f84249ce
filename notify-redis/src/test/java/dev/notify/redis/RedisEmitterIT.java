package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.server.EmitterOperator;
import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The socket-less RedisEmitter reaching the clients of two Java nodes. */
@ExtendWith(RedisExtension.class)
class RedisEmitterIT {

  private static RedisEmitter emitter(RedisAdapterOptions cluster) {
    return RedisEmitter.create(RedisEmitterOptions.builder().url(RedisExtension.url()).key(cluster.key())
        .mode(cluster.mode()).subscriptionMode(cluster.subscriptionMode()).build());
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void emitToARoomExceptAnotherReachesExactlyTheMatchingClientsOfEveryNode(RedisMode mode) {
    try (Cluster cluster = Cluster.start(Cluster.options("emitter", mode).build(), 2);
        RedisEmitter emitter = emitter(cluster.options())) {
      TestClient u42 = cluster.node(0).client("user:42");
      TestClient u42b = cluster.node(1).client("user:42");
      TestClient muted = cluster.node(1).client("user:42", "muted");
      TestClient u43 = cluster.node(1).client("user:43");

      emitter.to("user:42").except("muted").emit("notification:new", Map.of("id", 7), "text");
      emitter.emit("marker");

      for (TestClient c : new TestClient[] {u42, u42b, muted, u43}) {
        c.await("marker", 1);
      }
      assertThat(u42.received("notification:new")).hasSize(1);
      assertThat(u42b.received("notification:new")).hasSize(1);
      assertThat(muted.received("notification:new")).isEmpty();
      assertThat(u43.received("notification:new")).isEmpty();
      assertThat(u42.received("notification:new").get(0).args().get(0).toString()).isEqualTo("{\"id\":7}");
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void emitterSocketsJoinThenEmitReachesTheJoinedSockets(RedisMode mode) {
    RedisAdapterOptions options = Cluster.options("emitter-join", mode).subscriptionMode(SubscriptionMode.STATIC)
        .build();
    try (Cluster cluster = Cluster.start(options, 2);
        RedisEmitter emitter = emitter(options)) {
      TestClient a = cluster.node(0).client("user:1");
      TestClient b = cluster.node(1).client("user:1", "old");

      emitter.in("user:1").socketsJoin("project:9");
      emitter.to("project:9").emit("in-project");
      emitter.in("user:1").socketsLeave("old");
      emitter.to("old").emit("in-old");
      emitter.emit("marker");

      a.await("marker", 1);
      b.await("marker", 1);
      assertThat(a.received("in-project")).hasSize(1);
      assertThat(b.received("in-project")).hasSize(1);
      assertThat(b.received("in-old")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void emitterReachesOtherNamespacesDisconnectsAndTalksToServers(RedisMode mode) throws Exception {
    try (Cluster cluster = Cluster.start(Cluster.options("emitter-nsp", mode).build(), 2);
        RedisEmitter emitter = emitter(cluster.options())) {
      cluster.node(0).awaitReady("/admin");
      cluster.node(1).awaitReady("/admin");
      TestClient admin = cluster.node(1).clientOf("/admin", null, "ops");
      TestClient main = cluster.node(1).client("ops");
      List<String> serverCalls = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> twoCalls = new CompletableFuture<>();
      for (int i = 0; i < 2; i++) {
        int node = i;
        cluster.node(i).io().onServerSideEmit("cache:evict", (args, ack) -> {
          serverCalls.add(node + ":" + args.getString(0));
          if (serverCalls.size() == 2) {
            twoCalls.complete(null);
          }
        });
      }

      emitter.of("/admin").to("ops").emit("alert", "disk");
      emitter.emit("marker");
      admin.await("alert", 1);
      main.await("marker", 1);
      assertThat(main.received("alert")).isEmpty();

      emitter.serverSideEmit("cache:evict", "users");
      twoCalls.get(10, TimeUnit.SECONDS);
      assertThat(serverCalls).containsExactlyInAnyOrder("0:users", "1:users");

      emitter.of("/admin").in("ops").disconnectSockets(false);
      assertThat(admin.disconnected().get(10, TimeUnit.SECONDS)).isEqualTo("io server disconnect");
      assertThat(main.connected()).isTrue();
    }
  }

  @Test
  void operatorsAreImmutableAndReservedEventsAreRefused() {
    try (RedisEmitter emitter = RedisEmitter.create(RedisExtension.url())) {
      EmitterOperator base = emitter.to("a");
      EmitterOperator derived = base.to("b").except("c").asVolatile();
      assertThat(base.toString()).contains("rooms=[a]").doesNotContain("volatile").doesNotContain("c]");
      assertThat(derived.toString()).contains("except=[c]").contains("volatile");
      assertThatThrownBy(() -> emitter.emit("disconnect")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'disconnect' is a reserved event name");
      assertThatThrownBy(() -> emitter.of("admin")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("namespace must start with '/'");
    }
  }
}
