package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.adapter.AckListener;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.adapter.BroadcastPacket;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link BroadcastOperator} is immutable: every modifier returns a new operator and leaves the original as it was. */
class BroadcastOperatorTest {

  /** The in-memory adapter, recording the options of each broadcast. */
  static final class RecordingAdapter extends InMemoryAdapter {
    final List<BroadcastOptions> broadcasts = new CopyOnWriteArrayList<>();

    RecordingAdapter(AdapterNamespace namespace) {
      super(namespace);
    }

    @Override
    public void broadcast(BroadcastPacket packet, BroadcastOptions opts) {
      broadcasts.add(opts);
      super.broadcast(packet, opts);
    }

    @Override
    public void broadcastWithAck(BroadcastPacket packet, BroadcastOptions opts, IntConsumer clientCount,
        AckListener ack) {
      broadcasts.add(opts);
      super.broadcastWithAck(packet, opts, clientCount, ack);
    }
  }

  private final List<RecordingAdapter> adapters = new CopyOnWriteArrayList<>();
  private final NotifyServer io = NotifyServer.builder()
      .executor(Runnable::run)
      .scheduler(new ManualScheduler())
      .adapter(namespace -> {
        RecordingAdapter adapter = new RecordingAdapter(namespace);
        adapters.add(adapter);
        return adapter;
      })
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void shouldReturnAnImmutableBroadcastOperator() {
    // ported from socket.io's test/namespaces.ts "should return an immutable broadcast operator"
    BroadcastOperator operator = io.local().to("room1", "room2").except("room3");
    String before = operator.toString();

    operator.compress(true).emit("hello");
    operator.asVolatile().emit("hello");
    operator.to("room4").emit("hello");
    operator.except("room5").emit("hello");
    operator.timeout(Duration.ofSeconds(1)).emitWithAck("hello");
    io.to("room6").emit("hello");
    operator.emit("hello");

    assertThat(operator.toString()).isEqualTo(before)
        .contains("room1", "room2", "except=[room3]", ", local")
        .doesNotContain("room4", "room5", "room6", "volatile", "compress", "timeout");
    List<BroadcastOptions> sent = adapter().broadcasts;
    assertThat(sent).containsExactly(
        options(Set.of("room1", "room2"), Set.of("room3"), false, true, true, null),
        options(Set.of("room1", "room2"), Set.of("room3"), true, false, true, null),
        options(Set.of("room1", "room2", "room4"), Set.of("room3"), false, false, true, null),
        options(Set.of("room1", "room2"), Set.of("room3", "room5"), false, false, true, null),
        options(Set.of("room1", "room2"), Set.of("room3"), false, false, true, Duration.ofSeconds(1)),
        options(Set.of("room6"), Set.of(), false, false, false, null),
        options(Set.of("room1", "room2"), Set.of("room3"), false, false, true, null));
  }

  @Test
  void everyModifierReturnsANewOperator() {
    BroadcastOperator operator = io.to("room1");

    assertThat(List.of(operator.to("x"), operator.in("x"), operator.except("x"), operator.asVolatile(),
        operator.compress(true), operator.local(), operator.timeout(Duration.ofSeconds(1))))
        .allSatisfy(derived -> assertThat(derived).isNotSameAs(operator));
    assertThat(operator.toString()).isEqualTo("BroadcastOperator{nsp=/, rooms=[room1], except=[]}");
  }

  @Test
  void theServersOwnOperatorStaysUntargeted() {
    io.to("room1").except("room2").asVolatile().emit("scoped");

    io.emit("everyone");

    assertThat(adapter().broadcasts.get(1)).isEqualTo(BroadcastOptions.ALL);
  }

  @Test
  void anOperatorAndItsDerivedOperatorsReachTheirOwnTargets() {
    InMemoryClient a = InMemoryClient.connect(io);
    InMemoryClient b = InMemoryClient.connect(io);
    InMemoryClient c = InMemoryClient.connect(io);
    a.socket.join("room1");
    b.socket.join("room1", "room2");
    c.socket.join("room3");
    BroadcastOperator room1 = io.to("room1");

    room1.except("room2").emit("narrowed");
    room1.to("room3").emit("widened");
    room1.emit("original");

    assertThat(a.events()).containsExactly("42[\"narrowed\"]", "42[\"widened\"]", "42[\"original\"]");
    assertThat(b.events()).containsExactly("42[\"widened\"]", "42[\"original\"]");
    assertThat(c.events()).containsExactly("42[\"widened\"]");
  }

  @Test
  void aSharedOperatorCanBeReusedForManyEmits() {
    InMemoryClient a = InMemoryClient.connect(io);
    a.socket.join("room1");
    BroadcastOperator room1 = io.to("room1");

    for (int i = 0; i < 3; i++) {
      room1.emit("tick", i);
    }

    assertThat(a.events()).containsExactly("42[\"tick\",0]", "42[\"tick\",1]", "42[\"tick\",2]");
  }

  @Test
  void timeoutMustBePositive() {
    assertThatThrownBy(() -> io.timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be > 0, was PT0S");
    assertThatThrownBy(() -> io.to("r").timeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout must be > 0, was PT-0.005S");
  }

  private RecordingAdapter adapter() {
    return adapters.get(0);
  }

  private static BroadcastOptions options(Set<String> rooms, Set<String> except, boolean volatileFlag,
      boolean compress, boolean local, Duration timeout) {
    return new BroadcastOptions(rooms, except, volatileFlag, compress, local, timeout);
  }
}
