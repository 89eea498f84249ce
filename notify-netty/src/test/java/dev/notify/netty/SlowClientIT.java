package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.DisconnectReason;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading costs the server a bounded amount of memory, counted in bytes: the channel's write
 * buffer stops taking frames at its high water mark, the session's queue holds what comes next up to its bound, and
 * the client is disconnected past it, or after the unwritable timeout; other clients in the same room are unaffected.
 */
class SlowClientIT {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int MESSAGE_BYTES = 100_000;
  private static final int MESSAGES = 1000;
  private static final long MAX_BUFFERED_BYTES = 1 << 20;
  /** How many messages the ordinary client may lag behind the broadcaster: less than its session's bound. */
  private static final int WINDOW = 8;

  private final Map<String, DisconnectReason> disconnects = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private NotifyServer io;
  private NotifyNetty netty;

  @AfterEach
  void stop() {
    sampler.shutdownNow();
    if (netty != null) {
      netty.close();
    }
    if (io != null) {
      io.close();
    }
  }

  private void start(NotifyServer.Builder server, NotifyNetty.Builder http) {
    io = server.build();
    io.onConnection(socket -> {
      socket.join("room");
      socket.onDisconnect(reason -> disconnects.put(socket.id(), reason));
    });
    netty = http.port(0).add(io).start();
  }

  @Test
  void aClientThatNeverReadsIsDisconnectedWithBoundedMemoryWhileAnotherInTheRoomGetsAll100Megabytes()
      throws Exception {
    start(NotifyServer.builder().maxBufferedBytes(MAX_BUFFERED_BYTES), NotifyNetty.builder());
    try (RawWebSocket slow = RawWebSocket.connect(netty.port())) {
      Socket slowSocket = awaitSocket(slow);
      Channel slowChannel = channelOf(slow);
      JavaClient ordinary = JavaClient.connect("http://127.0.0.1:" + netty.port(), "websocket");
      AtomicLong maxPending = new AtomicLong();
      sampler.scheduleAtFixedRate(() -> maxPending.accumulateAndGet(pendingBytes(slowChannel), Math::max),
          0, 1, TimeUnit.MILLISECONDS);
      AtomicInteger received = new AtomicInteger();
      ordinary.socket().on("big", args -> received.incrementAndGet());
      // binary: the Java client takes an attachment as it is, where it would parse 100 KB of JSON text each time
      byte[] payload = new byte[MESSAGE_BYTES];

      for (int i = 0; i < MESSAGES; i++) {
        io.to("room").emit("big", i, payload);
        int sent = i + 1;
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(DEADLINE)
            .until(() -> received.get() >= sent - WINDOW);
      }

      await().atMost(DEADLINE).until(() -> received.get() == MESSAGES);
      assertThat(disconnects.get(slowSocket.id())).as("the slow client's disconnect")
          .isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(ordinary.socket().connected()).isTrue();
      ordinary.close();
      // the write buffer took at most a batch (the session's queue, once the buffer was back under its low water
      // mark) past its high water mark; each message adds its frame header and Netty's entry overhead
      System.out.printf("most bytes the slow client's channel held: %d%n", maxPending.get());
      assertThat(maxPending.get()).as("most bytes the slow client's channel held")
          .isPositive()
          .isLessThanOrEqualTo(NotifyNetty.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK + MAX_BUFFERED_BYTES + MESSAGE_BYTES
              + 64 * 1024);
    }
  }

  @Test
  void aConnectionThatStaysUnwritableIsClosedAfterTheUnwritableTimeout() throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    start(NotifyServer.builder().maxBufferedBytes(256L << 20).maxBufferedPackets(100_000),
        NotifyNetty.builder().unwritableTimeout(timeout));
    try (RawWebSocket slow = RawWebSocket.connect(netty.port())) {
      Socket slowSocket = awaitSocket(slow);
      Channel slowChannel = channelOf(slow);
      String payload = "y".repeat(64 * 1024);
      long start = System.nanoTime();

      // 32 MB: more than the kernel buffers (the client's is 8 KB, a server socket's at most 4 MB with Linux's
      // default tcp_wmem) and the write buffer take
      for (int i = 0; i < 500; i++) {
        slowSocket.emit("big", payload);
      }

      // its session's queue (256 MB) has room and the heartbeat (25 s, then 20 s) is far: only the unwritable timeout
      // closes it
      await().atMost(DEADLINE).until(() -> disconnects.containsKey(slowSocket.id()));
      assertThat(disconnects.get(slowSocket.id())).isEqualTo(DisconnectReason.TRANSPORT_ERROR);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the timeout").isGreaterThan(timeout);
      await().atMost(DEADLINE).until(() -> !slowChannel.isActive());
    }
  }

  /** The server's socket of the raw client, the first and only one to connect. */
  private Socket awaitSocket(RawWebSocket raw) {
    return await().atMost(DEADLINE).until(() -> io.of("/").sockets().values().stream().findFirst().orElse(null),
        s -> s != null);
  }

  private Channel channelOf(RawWebSocket raw) {
    return netty.channels().stream()
        .filter(c -> c.remoteAddress() instanceof InetSocketAddress a && a.getPort() == raw.localPort())
        .findFirst().orElseThrow();
  }

  private static long pendingBytes(Channel channel) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }
}
