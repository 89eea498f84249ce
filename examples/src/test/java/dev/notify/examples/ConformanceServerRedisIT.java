package dev.notify.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance server's {@code --redis} option: two instances on port 0 with the same Redis form a cluster, so a
 * {@code to-room} from a client of one reaches the room's members on the other. Uses REDIS_URL or
 * redis://127.0.0.1:6379, or starts a redis-server from PATH when none answers.
 */
class ConformanceServerRedisIT {

  private static Process ownRedis;
  private static String redisUrl;

  @BeforeAll
  static void redis() throws Exception {
    String env = System.getenv("REDIS_URL");
    redisUrl = env != null && !env.isBlank() ? env : "redis://127.0.0.1:6379";
    if (!answersPing(URI.create(redisUrl))) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      ownRedis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save",
          "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(new File("target/redis-it.log")).start();
      redisUrl = "redis://127.0.0.1:" + port;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!answersPing(URI.create(redisUrl))) {
        assertThat(System.nanoTime()).as("redis-server started in time").isLessThan(deadline);
        ownRedis.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }
  }

  @AfterAll
  static void stopRedis() {
    if (ownRedis != null) {
      ownRedis.destroyForcibly();
    }
  }

  @Test
  void toRoomFromAClientOfOneInstanceReachesTheMembersOnTheOther() throws Exception {
    String room = "room-" + Long.toHexString(System.nanoTime());
    try (ConformanceServer one = ConformanceServer.start("127.0.0.1", 0, redisUrl);
        ConformanceServer two = ConformanceServer.start("127.0.0.1", 0, redisUrl)) {
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

  private static boolean answersPing(URI url) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort()), 500);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.read(reply);
      return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }
}
