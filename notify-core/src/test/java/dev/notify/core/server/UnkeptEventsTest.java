package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link RecoveryStore} that cannot keep an event (a shared store whose Redis is down) returns {@code null} from
 * {@code append}: the event is still sent, without an offset, so clients see exactly the arguments emitted.
 */
class UnkeptEventsTest {

  /** Answers {@link #offset} to every append and records the events. */
  private static final class ScriptedStore implements RecoveryStore {
    final AtomicReference<String> offset = new AtomicReference<>();
    final List<String> appended = new CopyOnWriteArrayList<>();

    @Override
    public String append(String namespace, BroadcastOptions targets, String event, Object[] args) {
      appended.add(event);
      return offset.get();
    }

    @Override
    public void saveSession(Session session, Duration ttl) {
    }

    @Override
    public CompletableFuture<Session> takeSession(String namespace, String pid) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<Missed>> missedSince(String namespace, String offset, Set<String> rooms) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private final ScriptedStore store = new ScriptedStore();
  private final NotifyServer io = NotifyServer.builder()
      .executor(Runnable::run)
      .scheduler(new ManualScheduler())
      .connectionStateRecovery(Duration.ofMinutes(2))
      .recoveryStore(store)
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void aBroadcastTheStoreCouldNotKeepIsSentWithoutAnOffset() {
    InMemoryClient client = InMemoryClient.connect(io);

    store.offset.set(null);
    io.emit("unkept", 1);
    store.offset.set("1-0");
    io.emit("kept", 2);

    assertThat(store.appended).containsExactly("unkept", "kept");
    assertThat(client.events()).containsExactly("42[\"unkept\",1]", "42[\"kept\",2,\"1-0\"]");
  }

  @Test
  void aSocketEmitTheStoreCouldNotKeepIsSentWithoutAnOffset() {
    InMemoryClient client = InMemoryClient.connect(io);

    store.offset.set(null);
    client.socket.emit("unkept", "a");
    store.offset.set("2-0");
    client.socket.emit("kept", "b");

    assertThat(client.events()).containsExactly("42[\"unkept\",\"a\"]", "42[\"kept\",\"b\",\"2-0\"]");
  }
}
