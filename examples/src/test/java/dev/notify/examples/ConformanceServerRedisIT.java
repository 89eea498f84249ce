package dev.notify.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance server's {@code --redis} option: two instances on port 0 with the same Redis form a cluster, so a
 * {@code to-room} from a client of one reaches the room's members on the other. Uses REDIS_URL or
 * redis://127.0.0.1:6379 if it answers, else an embedded one ({@link DemoRedis}: redis-server from the PATH, else
 * the binary bundled in embedded-redis).
 */
class ConformanceServerRedisIT {

  private static final ConformanceServer.Timing RELAXED =
      new ConformanceServer.Timing(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

  private static DemoRedis redis;
  private static String redisUrl;

  @BeforeAll
  static void redis() {
    String env = System.getenv("REDIS_URL");
    redis = DemoRedis.at(env != null && !env.isBlank() ? env : "redis://127.0.0.1:6379");
    redisUrl = redis.url();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void toRoomFromAClientOfOneInstanceReachesTheMembersOnTheOther() throws Exception {
    String room = "room-" + Long.toHexString(System.nanoTime());
    // the compliance heartbeat (300/200 ms) drops clients of a loaded machine: the cluster is what is tested here
    try (ConformanceServer one = ConformanceServer.start("127.0.0.1", 0, RELAXED, redisUrl);
        ConformanceServer two = ConformanceServer.start("127.0.0.1", 0, RELAXED, redisUrl)) {
      Socket sender = connect(one.port());
      Socket member = connect(two.port());
      Socket outsider = connect(two.port());
      try {
        CompletableFuture<Object> joined = new CompletableFuture<>();
        member.emit("join", new Object[] {room}, ack -> joined.complete(ack[0]));
        assertThat(joined.get(10, TimeUnit.SECONDS).toString()).contains(room);
        CompletableFuture<Object> got = new CompletableFuture<>();
        member.on("room-message", args -> got.complete(args[0]));
        CompletableFuture<Object> leaked = new CompletableFuture<>();
        outsider.on("room-message", args -> leaked.complete(args[0]));

        sender.emit("to-room", room, "hello from one");

        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("hello from one");
        assertThat(leaked).isNotDone();
      } finally {
        for (Socket s : List.of(sender, member, outsider)) {
          s.close();
        }
      }
    }
  }

  private static Socket connect(int port) throws Exception {
    IO.Options options = new IO.Options();
    options.transports = new String[] {WebSocket.NAME};
    options.forceNew = true;
    options.reconnection = false;
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port), options);
    CompletableFuture<Void> connected = new CompletableFuture<>();
    socket.on(Socket.EVENT_CONNECT, a -> connected.complete(null));
    socket.connect();
    connected.get(10, TimeUnit.SECONDS);
    return socket;
  }
}
