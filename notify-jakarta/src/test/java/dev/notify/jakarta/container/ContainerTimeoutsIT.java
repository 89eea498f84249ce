package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.container.RawHttp.Reply;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A long poll waits up to {@code pingInterval} (25 s by default) for something to send, longer than the
 * containers' own limits on a request: the Servlet async timeout (30 s by default on Tomcat and Jetty) and the
 * connection idle timeout (Tomcat's connectionTimeout, Jetty's idleTimeout). Here the containers run with an async
 * timeout of 500 ms and an idle timeout of 1 s, and the server pings every 2.5 s: a waiting poll, and connected
 * polling and WebSocket clients, must outlive them. (The idle timeout stays above what a burst of requests needs,
 * lest a client reuse a keep-alive connection the container is closing.) The standalone server has no such
 * settings: its polls suspend without limit.
 */
class ContainerTimeoutsIT {

  private static final Duration PING_INTERVAL = Duration.ofMillis(2500);
  private static final Duration ASYNC_TIMEOUT = Duration.ofMillis(500);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
  private static final RunningContainers containers = new RunningContainers(
      () -> new ScenarioServer(NotifyServer.builder().pingInterval(PING_INTERVAL).pingTimeout(Duration.ofSeconds(5))),
      new ContainerKind.ContainerTimeouts(ASYNC_TIMEOUT, IDLE_TIMEOUT));

  @AfterAll
  static void stopContainers() {
    containers.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void aWaitingPollOutlivesTheContainersAsyncAndIdleTimeouts(ContainerKind kind) throws Exception {
    String endpoint = containers.get(kind).container().endpoint();
    String session = RawHttp.session(endpoint, RawHttp.handshake(endpoint));
    assertThat(RawHttp.post(session, "40").body()).isEqualTo("ok");
    assertThat(RawHttp.get(session).body()).startsWith("40{");

    long start = System.nanoTime();
    Reply poll = RawHttp.get(session); // nothing to send until the first ping, pingInterval after the handshake
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(poll.status()).as(poll.toString()).isEqualTo(200);
    assertThat(poll.body()).as("the poll was answered by the server's ping, not ended by the container")
        .isEqualTo("2");
    assertThat(waited).as("time the poll waited").isGreaterThan(IDLE_TIMEOUT.plus(ASYNC_TIMEOUT));
    assertThat(RawHttp.post(session, "3").body()).as("pong").isEqualTo("ok");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void pollingAndWebSocketClientsStayConnectedAcrossIdlePingIntervals(ContainerKind kind) throws Exception {
    ServedContainer container = containers.get(kind).container();
    List<String> disconnects = new CopyOnWriteArrayList<>();
    try (JavaClients.Connected polling = JavaClients.connect(container.url(), "idle-polling-" + kind,
            ClientMode.POLLING);
        JavaClients.Connected websocket = JavaClients.connect(container.url(), "idle-upgraded-" + kind,
            ClientMode.DEFAULT)) {
      for (JavaClients.Connected client : List.of(polling, websocket)) {
        client.socket().on(Socket.EVENT_DISCONNECT, args -> disconnects.add(String.valueOf(args[0])));
      }

      // more than two ping intervals of silence, each far longer than the container's timeouts
      await().during(PING_INTERVAL.multipliedBy(2).plus(IDLE_TIMEOUT))
          .atMost(PING_INTERVAL.multipliedBy(4))
          .untilAsserted(() -> {
            assertThat(disconnects).as("disconnect reasons").isEmpty();
            assertThat(polling.socket().connected()).isTrue();
            assertThat(websocket.socket().connected()).isTrue();
          });

      assertThat(polling.call("echo", "after idle")).containsExactly("after idle");
      assertThat(websocket.call("echo", "after idle")).containsExactly("after idle");
      assertThat(polling.transport().get()).isEqualTo("polling");
      assertThat(websocket.transport().get()).isEqualTo("websocket");
    }
  }
}
