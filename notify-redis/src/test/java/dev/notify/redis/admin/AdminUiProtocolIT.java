package dev.notify.redis.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.admin.AdminUiOptions;
import dev.notify.redis.testing.RedisExtension;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Admin UI's protocol, spoken by the official Java client as the UI speaks it: two Java nodes on Redis, the
 * "UI" logged in on node A sees both servers and every socket of the cluster, follows connections and events, and
 * its emit and disconnect commands reach sockets on node B; its session, kept in Redis, logs it in on node B.
 */
@ExtendWith(RedisExtension.class)
class AdminUiProtocolIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final AdminClients clients = new AdminClients();

  @AfterEach
  void close() throws Exception {
    clients.close();
  }

  @Test
  void theUiSeesTheWholeClusterAndActsOnItsSockets() throws Exception {
    String key = RedisExtension.uniqueKey("admin");
    AdminNode a = new AdminNode(key, "java-a", key + ":sessions");
    clients.closeLater(a);
    AdminNode b = new AdminNode(key, "java-b", key + ":sessions");
    clients.closeLater(b);
    List<String> onA = new CopyOnWriteArrayList<>();
    List<String> onB = new CopyOnWriteArrayList<>();
    clients.client(a.url(), "room1", onA);
    clients.client(a.url(), "room2", onA);
    Socket far = clients.client(b.url(), "room1", onB);

    // a wrong password is refused with Node's message
    CompletableFuture<String> refused = new CompletableFuture<>();
    clients.connect(a.url(), "/admin", Map.of("username", "admin", "password", "wrong"), new ArrayList<>(), refused);
    assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo("error: invalid credentials");

    List<String> ui = new CopyOnWriteArrayList<>();
    CompletableFuture<String> loggedIn = new CompletableFuture<>();
    Socket admin = clients.connect(a.url(), "/admin", Map.of("username", AdminNode.USER, "password", AdminNode.PASSWORD),
        ui, loggedIn);
    assertThat(loggedIn.get(10, TimeUnit.SECONDS)).isEqualTo("connected");

    await().atMost(WAIT).until(() -> !AdminClients.named(ui, "config").isEmpty() && !AdminClients.named(ui, "all_sockets").isEmpty()
        && !AdminClients.named(ui, "session").isEmpty());
    assertThat(AdminClients.named(ui, "config").get(0)).contains("\"EMIT\"", "\"MDISCONNECT\"", "\"AGGREGATED_EVENTS\"",
        "\"ALL_EVENTS\"");
    JSONArray all = new JSONArray(AdminClients.named(ui, "all_sockets").get(0).substring("all_sockets ".length()))
        .getJSONArray(0);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < all.length(); i++) {
      JSONObject s = all.getJSONObject(i);
      if (s.getString("nsp").equals("/")) {
        ids.add(s.getString("id"));
        assertThat(s.getString("transport")).isEqualTo("websocket");
        assertThat(s.getString("clientId")).hasSize(12);
        assertThat(s.getJSONObject("data").has("_admin")).as("the UI's entry is not shown as data").isFalse();
        assertThat(s.getJSONObject("handshake").has("auth")).as("auth holds tokens: not shown").isFalse();
      }
    }
    assertThat(ids).as("sockets of the main namespace on both nodes").hasSize(3).contains(far.id());

    // both nodes send their statistics to the UI connected to node A
    await().atMost(WAIT).untilAsserted(() -> {
      List<JSONObject> stats = AdminClients.named(ui, "server_stats").stream()
          .map(e -> new JSONArray(e.substring("server_stats ".length())).getJSONObject(0)).toList();
      assertThat(stats).anySatisfy(s -> {
        assertThat(s.getString("serverId")).isEqualTo("java-a");
        assertThat(s.getInt("clientsCount")).isEqualTo(3);
        assertThat(s.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
        assertThat(s.getJSONArray("namespaces").toString()).contains("{\"name\":\"/\",\"socketsCount\":2}");
      });
      assertThat(stats).anySatisfy(s -> {
        assertThat(s.getString("serverId")).isEqualTo("java-b");
        assertThat(s.getInt("clientsCount")).isEqualTo(1);
      });
      assertThat(stats).anySatisfy(s -> assertThat(s.getJSONArray("aggregatedEvents").toString())
          .contains("\"type\":\"rawConnection\"", "\"type\":\"packetsIn\"", "\"type\":\"bytesOut\""));
    });

    // what node A's sockets do reaches the UI as it happens
    CompletableFuture<String> pong = new CompletableFuture<>();
    List<String> late = new CopyOnWriteArrayList<>();
    Socket newcomer = clients.client(a.url(), "room3", late);
    newcomer.emit("ping", new Object[] {"hi"}, reply -> pong.complete(String.valueOf(reply[0])));
    assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("pong");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(AdminClients.named(ui, "socket_connected")).anySatisfy(e -> assertThat(e).contains(newcomer.id()));
      assertThat(AdminClients.named(ui, "room_joined")).anySatisfy(e -> assertThat(e).contains("\"room3\"", newcomer.id()));
      assertThat(AdminClients.named(ui, "event_received")).anySatisfy(e -> assertThat(e).contains("[\"ping\",\"hi\"]"));
    });

    // commands: emit to a room of the cluster, then disconnect one socket of node B
    admin.emit("emit", "/", "room1", "announce", "from the UI");
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(AdminClients.named(onA, "announce")).hasSize(1);
      assertThat(AdminClients.named(onB, "announce")).hasSize(1);
    });
    String farId = far.id();
    admin.emit("_disconnect", "/", false, farId);
    await().atMost(WAIT).until(() -> onB.contains("disconnect io server disconnect"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(AdminClients.named(ui, "socket_disconnected"))
        .anySatisfy(e -> assertThat(e).contains(farId, "server namespace disconnect")));

    // the session kept in Redis logs the UI in on node B, without a password
    String session = new JSONArray(AdminClients.named(ui, "session").get(0).substring("session ".length())).getString(0);
    CompletableFuture<String> again = new CompletableFuture<>();
    clients.connect(b.url(), "/admin", Map.of("sessionId", session), new ArrayList<>(), again);
    assertThat(again.get(10, TimeUnit.SECONDS)).isEqualTo("connected");

    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(a.url() + "/admin-ui/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Socket.IO Admin UI</title>");
  }

  @Test
  void aReadOnlyProductionUiGetsStatisticsOnlyAndItsCommandsAreIgnored() throws Exception {
    String key = RedisExtension.uniqueKey("admin-ro");
    AdminNode a = new AdminNode(key, "java-ro", key + ":sessions",
        b -> b.readonly(true).mode(AdminUiOptions.Mode.PRODUCTION));
    clients.closeLater(a);
    List<String> onA = new CopyOnWriteArrayList<>();
    Socket member = clients.client(a.url(), "room1", onA);

    List<String> ui = new CopyOnWriteArrayList<>();
    CompletableFuture<String> loggedIn = new CompletableFuture<>();
    Socket admin = clients.connect(a.url(), "/admin", Map.of("username", AdminNode.USER, "password",
        AdminNode.PASSWORD), ui, loggedIn);
    assertThat(loggedIn.get(10, TimeUnit.SECONDS)).isEqualTo("connected");
    admin.emit("_disconnect", "/", false, member.id());
    admin.emit("emit", "/", "room1", "announce", "ignored");

    // two statistics messages after the login: what development mode sends at once would be here by then
    await().atMost(WAIT).until(() -> AdminClients.named(ui, "server_stats").size() >= 3);
    assertThat(AdminClients.named(ui, "config")).containsExactly("config [{\"supportedFeatures\":[\"AGGREGATED_EVENTS\"]}]");
    assertThat(AdminClients.named(ui, "all_sockets")).isEmpty();
    assertThat(AdminClients.named(ui, "socket_connected")).isEmpty();
    assertThat(member.connected()).isTrue();
    assertThat(AdminClients.named(onA, "announce")).isEmpty();
  }
}
