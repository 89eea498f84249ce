package dev.notify.redis.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.redis.testing.RedisExtension;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A login flood on the Admin UI's namespace: bcrypt checks wait on the UI's own thread, at most 64 of them; the
 * others are refused at once ("too many logins at once") instead of piling up, the server's other clients are
 * served meanwhile, and the real admin logs in once the flood has passed.
 */
@ExtendWith(RedisExtension.class)
class AdminUiLoginFloodIT {

  private static final int FLOOD = 300;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final AdminClients clients = new AdminClients();
  private final List<WebSocket> raw = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    raw.forEach(WebSocket::abort);
    clients.close();
  }

  @Test
  void aFloodOfLoginsIsRefusedPastTheQueueWhileOtherClientsAreServed() throws Exception {
    String key = RedisExtension.uniqueKey("admin-flood");
    // bcrypt at cost 12 (about a quarter of a second a check): the flood outruns the checks on any machine
    String slowHash = BCrypt.hashpw(AdminNode.PASSWORD, BCrypt.gensalt(12));
    AdminNode node = new AdminNode(key, "java-a", key + ":sessions", b -> b.basicAuth(AdminNode.USER, slowHash));
    clients.closeLater(node);
    URI ws = URI.create(node.url().replace("http:", "ws:") + "/socket.io/?EIO=4&transport=websocket");
    HttpClient http = HttpClient.newHttpClient();

    // every raw client asks to join the admin namespace with a wrong password as soon as it is open
    Map<Integer, String> answers = new ConcurrentHashMap<>();
    for (int i = 0; i < FLOOD; i++) {
      int n = i;
      http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
          String frame = data.toString();
          if (frame.startsWith("0")) {
            socket.sendText("40/admin,{\"username\":\"admin\",\"password\":\"wrong-" + n + "\"}", true);
          } else if (frame.startsWith("44/admin,")) {
            answers.put(n, frame);
          } else if (frame.equals("2")) {
            socket.sendText("3", true);
          }
          socket.request(1);
          return null;
        }
      }).thenAccept(raw::add);
    }

    // meanwhile an ordinary client connects and is answered
    List<String> events = new CopyOnWriteArrayList<>();
    Socket ordinary = clients.client(node.url(), "room1", events);
    CompletableFuture<String> pong = new CompletableFuture<>();
    ordinary.emit("ping", new Object[] {"hi"}, reply -> pong.complete(String.valueOf(reply[0])));
    assertThat(pong.get(15, TimeUnit.SECONDS)).isEqualTo("pong");

    // every login is answered: checked and refused, or refused at once past the queue
    await().atMost(WAIT).until(() -> answers.size() == FLOOD);
    long tooMany = answers.values().stream().filter(a -> a.contains("too many logins at once")).count();
    long checked = answers.values().stream().filter(a -> a.contains("invalid credentials")).count();
    assertThat(tooMany).as("refused past the 64 waiting").isPositive();
    assertThat(checked).as("checked with bcrypt").isPositive();
    assertThat(tooMany + checked).isEqualTo(FLOOD);

    // the flood has passed: the real admin logs in
    List<String> ui = new ArrayList<>();
    CompletableFuture<String> loggedIn = new CompletableFuture<>();
    clients.connect(node.url(), "/admin", Map.of("username", AdminNode.USER, "password", AdminNode.PASSWORD), ui,
        loggedIn);
    assertThat(loggedIn.get(15, TimeUnit.SECONDS)).isEqualTo("connected");
  }
}
