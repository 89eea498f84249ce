package dev.notify.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.InMemoryNotificationStore;
import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.core.notification.NotificationStore;
import dev.notify.core.server.Emitter;
import dev.notify.core.server.NotifyServer;
import dev.notify.redis.RedisEmitter;
import dev.notify.redis.RedisNotificationStore;
import dev.notify.spring.sender.SenderApp;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * {@code notify.notifications.enabled}: a {@link NotificationService} bean on the application's server, its store in
 * memory or, with {@code notify.redis.url}, in Redis; and an application that only sends
 * ({@code notify.server.enabled=false}), whose {@code Emitter} is a {@link RedisEmitter} and whose notifications the
 * servers deliver.
 */
class NotificationsTest {

  private static final String REDIS_URL = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");

  /** Who a client is: its handshake's {@code auth.user}, where the notification service looks for it. */
  static class Users {
    @Bean
    NotifyConfigurer users() {
      return io -> io.use((socket, next) -> {
        String user = socket.handshake().auth().path("user").asText("");
        if (!user.isEmpty()) {
          socket.data().put("userId", user);
        }
        next.accept();
      });
    }
  }

  @Test
  void theServersNotificationServiceDeliversToTheUsersClientAndRecordsItsAck() throws Exception {
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApp.class, Users.class)
        .properties("server.port=0", "server.address=127.0.0.1", "notify.notifications.enabled=true").run();
        Receiver ada = Receiver.connect(port(app), "ada")) {
      NotificationService notifications = app.getBean(NotificationService.class);
      assertThat(app.getBean(NotificationStore.class)).isInstanceOf(InMemoryNotificationStore.class);

      NotificationId id = Clients.await(notifications.send("ada", Notification.of("order", "Shipped", "Order 1")),
          "send");

      JSONObject received = ada.next();
      assertThat(received.getString("id")).isEqualTo(id.toString());
      assertThat(received.getString("title")).isEqualTo("Shipped");
      await().atMost(Clients.DEADLINE).until(() -> Clients.await(notifications.inbox("ada", null, 10), "inbox")
          .items().get(0).status() == NotificationStatus.DELIVERED);
    }
  }

  @Test
  void aSendOnlyApplicationReachesTheServersClientsThroughRedis() throws Exception {
    String unique = "notify-spring-" + UUID.randomUUID().toString().substring(0, 8);
    String[] shared = {"notify.redis.url=" + REDIS_URL, "notify.redis.key=" + unique,
        "notify.notifications.enabled=true", "notify.notifications.key-prefix=" + unique};
    try (ConfigurableApplicationContext server = new SpringApplicationBuilder(TestApp.class, Users.class)
        .properties(shared).properties("server.port=0", "server.address=127.0.0.1").run();
        ConfigurableApplicationContext sender = new SpringApplicationBuilder(SenderApp.class)
            .web(WebApplicationType.NONE).properties(shared).properties("notify.server.enabled=false").run();
        Receiver ada = Receiver.connect(port(server), "ada");
        Clients.Client news = Clients.connect(port(server), "/socket.io/", "websocket")) {
      assertThat(sender.getBeansOfType(NotifyServer.class)).isEmpty();
      assertThat(sender.getBean(Emitter.class)).isInstanceOf(RedisEmitter.class);
      assertThat(sender.getBean(NotificationStore.class)).isInstanceOf(RedisNotificationStore.class);

      // the sender's plain emits reach the server's clients (once the server's Redis subscription is up)
      Emitter emitter = sender.getBean(Emitter.class);
      String headline = null;
      for (int attempt = 0; headline == null && attempt < 100; attempt++) {
        emitter.to("news").emit("headline", "from the sender");
        headline = news.headlines().poll(200, TimeUnit.MILLISECONDS);
      }
      assertThat(headline).isEqualTo("from the sender");

      // its notifications are stored in Redis and delivered by the server
      NotificationId id = Clients.await(sender.getBean(NotificationService.class)
          .send("ada", Notification.of("order", "Shipped", "Order 2")), "send");
      assertThat(ada.next().getString("id")).isEqualTo(id.toString());
    }
  }

  private static int port(ConfigurableApplicationContext app) {
    return ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  /** A user's client that acknowledges every {@code notification:new}. */
  private record Receiver(Socket socket, BlockingQueue<JSONObject> received) implements AutoCloseable {
    static Receiver connect(int port, String user) {
      IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"})
          .setAuth(Map.of("user", user)).build();
      Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port), options);
      BlockingQueue<JSONObject> received = new LinkedBlockingQueue<>();
      socket.on("notification:new", args -> {
        received.add((JSONObject) args[0]);
        ((Ack) args[args.length - 1]).call();
      });
      // connected before anything is sent: a notification for a user not connected comes in the next catch-up
      CompletableFuture<Object> connected = new CompletableFuture<>();
      socket.once(Socket.EVENT_CONNECT, args -> connected.complete(true));
      socket.once(Socket.EVENT_CONNECT_ERROR, args -> connected.completeExceptionally(
          new AssertionError("connect error: " + (args.length > 0 ? args[0] : ""))));
      socket.connect();
      Clients.await(connected, "connection of " + user);
      return new Receiver(socket, received);
    }

    JSONObject next() throws InterruptedException {
      JSONObject n = received.poll(Clients.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (n == null) {
        throw new AssertionError("no notification:new within " + Clients.DEADLINE);
      }
      return n;
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
