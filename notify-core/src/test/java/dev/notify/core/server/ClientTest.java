package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One Engine.IO session and its Socket.IO sockets, over an in-memory transport: namespaces joined and left on one
 * connection, refusals, and the session closed when it joins nothing in time.
 */
class ClientTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(scheduler)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void close() {
    io.close();
  }

  private TestTransport open() {
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(Transports.engine(io), TestRequests.handshake("websocket"));
    transport.drain();
    return transport;
  }

  @Test
  void oneConnectionJoinsSeveralNamespacesAndLeavesOneWithoutTheOther() {
    List<String> connected = new ArrayList<>();
    io.onConnection(socket -> connected.add("/"));
    io.of("/admin").onConnection(socket -> connected.add("/admin"));
    TestTransport transport = open();

    transport.receive("40");
    transport.receive("40/admin,");
    transport.receive("41/admin,");

    assertThat(connected).containsExactly("/", "/admin");
    assertThat(io.of("/").sockets()).hasSize(1);
    assertThat(io.of("/admin").sockets()).isEmpty();
    assertThat(transport.isClosed()).isFalse();
    assertThat(io.clientsCount()).isEqualTo(1);
  }

  @Test
  void anUnknownNamespaceIsRefusedAndTheConnectionStays() {
    TestTransport transport = open();

    transport.receive("40/nowhere,");

    assertThat(transport.texts()).contains("44/nowhere,{\"message\":\"Invalid namespace\"}");
    assertThat(transport.isClosed()).isFalse();
  }

  @Test
  void aSessionThatJoinsNoNamespaceWithinTheConnectTimeoutIsClosed() {
    TestTransport transport = open();

    scheduler.advance(Duration.ofMillis(4_999));
    assertThat(transport.isClosed()).isFalse();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(transport.isClosed()).isTrue();
    assertThat(io.clientsCount()).isZero();
  }

  @Test
  void joiningANamespaceInTimeCancelsTheConnectTimeout() {
    TestTransport transport = open();
    transport.receive("40");

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(transport.isClosed()).isFalse();
    assertThat(io.of("/").sockets()).hasSize(1);
  }

  @Test
  void aMiddlewaresRefusalReachesTheClientWithItsMessageAndData() {
    io.use((socket, next) -> next.reject("not allowed", java.util.Map.of("code", 7)));
    TestTransport transport = open();

    transport.receive("40");

    assertThat(transport.texts()).contains("44{\"message\":\"not allowed\",\"data\":{\"code\":7}}");
    assertThat(io.of("/").sockets()).isEmpty();
  }
}
