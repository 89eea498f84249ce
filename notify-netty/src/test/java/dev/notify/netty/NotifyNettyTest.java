package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotifyNettyTest {

  @Test
  void builderRejectsBadValuesNamingTheOptionAndTheValue() {
    NotifyNetty.Builder builder = NotifyNetty.builder();
    assertThatThrownBy(() -> builder.port(-1)).hasMessage("port must be in 0..65535, was -1");
    assertThatThrownBy(() -> builder.port(65536)).hasMessage("port must be in 0..65535, was 65536");
    assertThatThrownBy(() -> builder.host(" ")).hasMessage("host must not be blank, was ' '");
    assertThatThrownBy(() -> builder.host(null)).isInstanceOf(NullPointerException.class).hasMessage("host");
    assertThatThrownBy(() -> builder.add((NotifyServer) null)).hasMessage("io");
    assertThatThrownBy(() -> builder.sslContext(null)).hasMessage("sslContext");
    assertThatThrownBy(() -> builder.writeBufferWaterMark(0, 10))
        .hasMessage("writeBufferWaterMark must have 0 < lowBytes <= highBytes, was lowBytes=0, highBytes=10");
    assertThatThrownBy(() -> builder.writeBufferWaterMark(20, 10))
        .hasMessage("writeBufferWaterMark must have 0 < lowBytes <= highBytes, was lowBytes=20, highBytes=10");
    assertThatThrownBy(() -> builder.unwritableTimeout(Duration.ZERO))
        .hasMessage("unwritableTimeout must be > 0, was PT0S");
    assertThatThrownBy(() -> builder.requestHeadTimeout(Duration.ofSeconds(-1)))
        .hasMessage("requestHeadTimeout must be > 0, was PT-1S");
    assertThatThrownBy(() -> builder.requestBodyTimeout(null)).hasMessage("requestBodyTimeout");
    assertThatThrownBy(() -> builder.ioThreads(-1)).hasMessage("ioThreads must be >= 0, was -1");
  }

  @Test
  void startRefusesNothingToServeAndTwoServersOnOnePath() {
    assertThatThrownBy(() -> NotifyNetty.builder().port(0).start()).isInstanceOf(IllegalStateException.class)
        .hasMessage("nothing to serve: add a NotifyServer or an EngineServer");
    try (NotifyServer a = NotifyServer.builder().build(); NotifyServer b = NotifyServer.builder().build()) {
      assertThatThrownBy(() -> NotifyNetty.builder().port(0).add(a).add(b).start())
          .isInstanceOf(IllegalStateException.class).hasMessage("two servers share the path /socket.io/");
    }
  }

  @Test
  void startOnAPortInUseFailsNamingTheAddressAndCloseIsIdempotent() {
    try (NotifyServer io = NotifyServer.builder().build()) {
      NotifyNetty first = NotifyNetty.builder().port(0).add(io).start();
      try {
        assertThatThrownBy(() -> NotifyNetty.builder().port(first.port()).add(io).start())
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port());
      } finally {
        first.close();
      }
      first.close();
      assertThat(first.channels().size()).as("open connections").isZero();
    }
  }

  @Test
  void byDefaultConnectionsShareOneEventLoopPerCore() throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    List<Socket> clients = new ArrayList<>();
    try (NotifyServer io = NotifyServer.builder().build()) {
      NotifyNetty netty = NotifyNetty.builder().port(0).add(io).start();
      try {
        for (int i = 0; i < 2 * cores + 1; i++) {
          clients.add(new Socket("127.0.0.1", netty.port()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> netty.channels().size() == clients.size());

        Set<EventLoop> loops = new HashSet<>();
        netty.channels().forEach(channel -> loops.add(channel.eventLoop()));
        assertThat(loops).hasSize(cores);
      } finally {
        for (Socket client : clients) {
          client.close();
        }
        netty.close();
      }
    }
  }
}
