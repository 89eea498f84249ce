package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Emitting a reserved event name fails at once with a message naming the event; nothing is sent. */
class ReservedEventNamesTest {

  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler())
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
      "removeListener"})
  void everyEmitRefusesAReservedEventName(String event) {
    InMemoryClient client = InMemoryClient.connect(io);
    Socket socket = client.socket;
    List<ThrowingCallable> emits = List.of(
        () -> io.emit(event, 1),
        () -> io.to("room").emit(event),
        () -> io.except("room").asVolatile().emit(event),
        () -> io.emitWithAck(event),
        () -> io.timeout(Duration.ofSeconds(1)).emitWithAck(event),
        () -> io.of("/admin").emit(event),
        () -> io.serverSideEmit(event),
        () -> io.serverSideEmitWithAck(event),
        () -> socket.emit(event, "x"),
        () -> socket.emitWithAck(event),
        () -> socket.timeout(Duration.ofSeconds(1)).emitWithAck(event),
        () -> socket.asVolatile().emit(event),
        () -> socket.broadcast().emit(event),
        () -> socket.to("room").emit(event));

    for (ThrowingCallable emit : emits) {
      assertThatThrownBy(emit)
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("'" + event + "' is a reserved event name");
    }
    assertThat(client.events()).isEmpty();
  }

  @Test
  void namesThatOnlyResembleReservedOnesAreFine() {
    InMemoryClient client = InMemoryClient.connect(io);

    io.emit("Connect");
    client.socket.emit("connected");
    io.emit("disconnect ");

    assertThat(client.events()).containsExactly("42[\"Connect\"]", "42[\"connected\"]", "42[\"disconnect \"]");
  }

  @Test
  void aNullEventNameIsRefused() {
    assertThatThrownBy(() -> io.emit(null)).isInstanceOf(NullPointerException.class).hasMessage("event");
  }
}
