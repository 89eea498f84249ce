package dev.notify.examples;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import java.time.LocalTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The smallest notify server: greets clients and ticks the time to everyone in room "clock".
 *
 * <pre>
 * ./examples/hello [--port 3000]
 * # then, from any Socket.IO client:
 * node -e 'require("socket.io-client").io("http://127.0.0.1:3000").on("tick", t => console.log(t))'
 * </pre>
 */
public final class Hello {

  private Hello() {
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 3000;

    NotifyServer io = NotifyServer.builder().allowedOrigins("*").build();
    io.use((socket, next) -> {
      String name = socket.handshake().auth().path("name").asText("stranger");
      socket.data().put("name", name);
      next.accept();
    });
    io.onConnection(socket -> {
      socket.join("clock");
      socket.emit("welcome", "Hello, " + socket.data().get("name") + "! You are " + socket.id());
      socket.on("hello", (a, ack) -> ack.send("Hello, " + a.getString(0) + "!"));
      socket.onDisconnect(reason -> System.out.println(socket.data().get("name") + " left: " + reason));
    });

    NotifyStandalone http = NotifyStandalone.builder().host("127.0.0.1").port(port).add(io).start();
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    clock.scheduleAtFixedRate(() -> io.to("clock").emit("tick", LocalTime.now().withNano(0).toString()),
        1, 1, TimeUnit.SECONDS);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      clock.shutdownNow();
      io.close();
      http.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("notify hello server on http://127.0.0.1:" + http.port() + " (Ctrl+C stops it)");
    stopped.await();
  }
}
