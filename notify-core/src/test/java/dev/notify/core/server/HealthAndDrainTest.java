package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.server.ServerHealth.Check;
import dev.notify.core.server.ServerHealth.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthAndDrainTest {

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private NotifyServer server(NotifyServer.Builder builder) {
    NotifyServer io = builder.build();
    closeables.add(io);
    return io;
  }

  @Test
  void anOpenServerIsUpAndItsHealthReadsAsJson() throws Exception {
    NotifyServer io = server(NotifyServer.builder());

    await().atMost(Duration.ofSeconds(10)).until(() -> io.health().status() == Status.UP);
    ServerHealth health = io.health();
    assertThat(health.live()).isTrue();
    assertThat(health.ready()).isTrue();
    assertThat(health.checks()).containsOnlyKeys("server", "executor", "adapter");

    JsonNode json = new ObjectMapper().readTree(health.toJson());
    assertThat(json.get("status").asText()).isEqualTo("UP");
    assertThat(json.get("ready").asBoolean()).isTrue();
    assertThat(json.at("/checks/adapter/up").asBoolean()).isTrue();
    assertThat(json.at("/checks/adapter/detail").asText()).isEqualTo("1 namespaces, cluster traffic settled");
  }

  @Test
  void aDependencyDownDegradesButKeepsTheNodeReady() {
    NotifyServer io = server(NotifyServer.builder());
    AtomicBoolean databaseUp = new AtomicBoolean(true);
    io.addHealthCheck("database", () -> databaseUp.get() ? Check.up("reachable") : Check.down("unreachable"));
    await().atMost(Duration.ofSeconds(10)).until(() -> io.health().status() == Status.UP);

    databaseUp.set(false);
    ServerHealth health = io.health();
    assertThat(health.status()).isEqualTo(Status.DEGRADED);
    assertThat(health.ready()).isTrue();
    assertThat(health.checks().get("database")).isEqualTo(Check.down("unreachable"));

    io.removeHealthCheck("database");
    assertThat(io.health().checks()).doesNotContainKey("database");
    assertThat(io.health().status()).isEqualTo(Status.UP);
  }

  @Test
  void healthCheckNamesAreValidatedAndAThrowingCheckReadsAsDown() {
    NotifyServer io = server(NotifyServer.builder());
    assertThatThrownBy(() -> io.addHealthCheck("adapter", () -> Check.up("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one of").hasMessageContaining("was 'adapter'");
    assertThatThrownBy(() -> io.addHealthCheck(" ", () -> Check.up("x"))).isInstanceOf(IllegalArgumentException.class);
    io.addHealthCheck("cache", () -> {
      throw new IllegalStateException("boom");
    });
    assertThatThrownBy(() -> io.addHealthCheck("cache", () -> Check.up("x")))
        .isInstanceOf(IllegalStateException.class).hasMessage("a health check named 'cache' is already added");

    assertThat(io.health().checks().get("cache")).isEqualTo(Check.down("check threw IllegalStateException"));
  }

  @Test
  void anExecutorThatCannotStartHandlersMakesTheNodeNotReadyButLive() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    closeables.add(executor::shutdownNow);
    NotifyServer io = server(NotifyServer.builder().executor(executor));
    await().atMost(Duration.ofSeconds(10)).until(() -> io.health().ready());

    CountDownLatch release = new CountDownLatch(1);
    executor.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> !io.health().ready());
    ServerHealth stuck = io.health();
    assertThat(stuck.status()).isEqualTo(Status.DOWN);
    assertThat(stuck.live()).as("a wait under 30 s is not a dead executor").isTrue();
    assertThat(stuck.checks().get("executor").up()).isFalse();

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> io.health().ready());
  }

  @Test
  void aNamespaceWhoseAdapterHasNotStartedMakesTheNodeNotReady() {
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    NotifyServer io = server(NotifyServer.builder().adapter(namespace -> new InMemoryAdapter(namespace) {
      @Override
      public CompletableFuture<Void> init() {
        return subscribed;
      }
    }));

    ServerHealth starting = io.health();
    assertThat(starting.ready()).isFalse();
    assertThat(starting.checks().get("adapter")).isEqualTo(Check.down("/: adapter starting"));

    subscribed.complete(null);
    await().atMost(Duration.ofSeconds(10)).until(() -> io.health().status() == Status.UP);
  }

  @Test
  void drainingRefusesHandshakesAndClosesTheSessionsSpreadOverTheWindow() throws Exception {
    NotifyServer io = server(NotifyServer.builder().executor(Runnable::run));
    int n = 20;
    Duration window = Duration.ofSeconds(2);
    List<Long> closedAt = Collections.synchronizedList(new ArrayList<>());
    List<DisconnectReason> reasons = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      InMemoryClient.connect(io).socket.onDisconnect(reason -> {
        closedAt.add(System.nanoTime());
        reasons.add(reason);
      });
    }

    long start = System.nanoTime();
    CompletableFuture<Void> drained = io.drain(window);
    assertThat(io.drain(Duration.ZERO)).as("idempotent").isSameAs(drained);
    assertThat(io.draining()).isTrue();
    assertThat(io.health().status()).isEqualTo(Status.DRAINING);
    assertThat(io.health().ready()).isFalse();
    EngineServer.Busy refused = io.engine().admit(TestRequests.handshake("polling"));
    assertThat(refused).isNotNull();
    assertThat(refused.reason()).isEqualTo("server draining");
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);

    drained.get(20, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> closedAt.size() == n);
    assertThat(reasons).containsOnly(DisconnectReason.SERVER_SHUTTING_DOWN);
    List<Long> sorted = new ArrayList<>(closedAt);
    Collections.sort(sorted);
    // the k-th close has its own slot of window/n: a scheduler never runs early, so none comes before its slot
    for (int k = 0; k < n; k++) {
      long earliest = k * window.toNanos() / n;
      assertThat(sorted.get(k) - start).as("close %d of %d, ns after the drain began", k, n)
          .isGreaterThanOrEqualTo(earliest);
    }
    assertThat(io.health().status()).isEqualTo(Status.DOWN);
    assertThat(io.health().live()).isFalse();
    assertThat(io.clientsCount()).isZero();
  }

  @Test
  void aNegativeWindowIsRefused() {
    NotifyServer io = server(NotifyServer.builder());
    assertThatThrownBy(() -> io.drain(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be >= 0, was PT-1S");
    assertThat(io.draining()).isFalse();
  }
}
