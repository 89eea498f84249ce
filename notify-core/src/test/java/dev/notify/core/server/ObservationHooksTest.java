package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.metrics.NotifyMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What tools such as the Admin UI observe: outgoing events, room changes, new namespaces, added recorders. */
class ObservationHooksTest {

  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void outgoingEventsOfOneSocketAreSeenAndListenersCanBeRemoved() {
    InMemoryClient client = InMemoryClient.connect(io);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    BiConsumer<String, Object[]> listener = (event, args) -> seen.add(event + List.of(args));
    client.socket.onAnyOutgoing(listener);

    client.socket.emit("hello", 1, "two");
    client.socket.emitWithAck("ask", true);
    io.emit("broadcast");
    client.socket.offAnyOutgoing(listener);
    client.socket.emit("after");

    assertThat(seen).containsExactly("hello[1, two]", "ask[true]");
    assertThat(client.socket.transport()).isEqualTo("websocket");
    assertThat(client.socket.clientId()).isNotBlank().isNotEqualTo(client.socket.id());
  }

  @Test
  void roomChangesAreReportedOnceAndOnDisconnect() {
    List<String> changes = Collections.synchronizedList(new ArrayList<>());
    io.of("/").onJoinRoom((room, id) -> changes.add("+" + room));
    io.of("/").onLeaveRoom((room, id) -> changes.add("-" + room));
    InMemoryClient client = InMemoryClient.connect(io);

    client.socket.join("a", "b");
    client.socket.join("a");
    client.socket.leave("a");
    client.socket.leave("missing");
    client.socket.disconnect(false);

    assertThat(changes).containsExactly("+a", "+b", "-a", "-b");
  }

  @Test
  void newNamespacesAreAnnouncedOnce() {
    List<String> made = Collections.synchronizedList(new ArrayList<>());
    Consumer<Namespace> listener = namespace -> made.add(namespace.name());
    io.onNewNamespace(listener);

    io.of("/chat");
    io.of("/chat");
    io.offNewNamespace(listener);
    io.of("/later");

    assertThat(made).containsExactly("/chat");
    assertThat(io.namespaces()).extracting(Namespace::name).containsExactlyInAnyOrder("/", "/chat", "/later");
  }

  @Test
  void aRecorderAddedAfterTheBuildSeesWhatFollowsUntilRemoved() {
    AtomicInteger opened = new AtomicInteger();
    NotifyMetrics recorder = new NotifyMetrics() {
      @Override
      public void connectionOpened(String transport) {
        opened.incrementAndGet();
      }
    };
    io.metrics().add(recorder);
    InMemoryClient.connect(io);
    io.metrics().remove(recorder);
    InMemoryClient.connect(io);

    assertThat(opened).hasValue(1);
  }
}
