package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A namespace: its middlewares in order, its own sockets and broadcasts, and namespaces made on demand. */
class NamespaceTest {

  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler())
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  private TestTransport connect(String namespace) {
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(Transports.engine(io), TestRequests.handshake("websocket"));
    transport.drain();
    transport.receive(namespace.equals("/") ? "40" : "40" + namespace + ",");
    return transport;
  }

  @Test
  void middlewaresRunInTheOrderTheyWereAddedAndTheHandlersAfterThemAll() {
    List<String> calls = new ArrayList<>();
    io.use((socket, next) -> {
      calls.add("first");
      next.accept();
    });
    io.use((socket, next) -> {
      calls.add("second");
      next.accept();
    });
    io.onConnection(socket -> calls.add("connection"));

    connect("/");

    assertThat(calls).containsExactly("first", "second", "connection");
  }

  @Test
  void aNamespacesEmitReachesOnlyItsOwnSockets() {
    Namespace adminNamespace = io.of("/admin"); // a namespace exists once the server names it, as in Socket.IO
    TestTransport main = connect("/");
    TestTransport admin = connect("/admin");

    adminNamespace.emit("only-admins", 1);

    assertThat(admin.texts()).contains("42/admin,[\"only-admins\",1]");
    assertThat(main.texts()).noneMatch(t -> t.contains("only-admins"));
  }

  @Test
  void itsSocketsAreAReadOnlyViewThatFollowsDisconnections() {
    TestTransport transport = connect("/");
    var sockets = io.of("/").sockets();
    assertThat(sockets).hasSize(1);

    assertThatThrownBy(sockets::clear).isInstanceOf(UnsupportedOperationException.class);
    transport.receive("41");

    assertThat(sockets).isEmpty();
  }

  @Test
  void aDynamicNamespaceMakesMatchingNamespacesOnDemandWithItsMiddlewaresAndHandlers() {
    List<String> calls = new ArrayList<>();
    io.of(Pattern.compile("/team-\\d+"))
        .use((socket, next) -> {
          calls.add("middleware " + socket.namespace().name());
          next.accept();
        })
        .onConnection(socket -> calls.add("connection " + socket.namespace().name()));

    TestTransport team = connect("/team-7");
    TestTransport other = connect("/team-x");

    assertThat(calls).containsExactly("middleware /team-7", "connection /team-7");
    assertThat(io.of("/team-7").sockets()).hasSize(1);
    assertThat(team.texts()).anyMatch(t -> t.startsWith("40/team-7,{"));
    assertThat(other.texts()).contains("44/team-x,{\"message\":\"Invalid namespace\"}");
  }
}
