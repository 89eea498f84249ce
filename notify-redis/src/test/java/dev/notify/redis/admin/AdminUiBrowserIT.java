package dev.notify.redis.admin;

import static dev.notify.redis.testing.NodeProcess.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.admin.RedisAdminSessionStore;
import dev.notify.redis.testing.NodeProcess;
import dev.notify.redis.testing.RedisExtension;
import io.socket.client.Socket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official Admin UI in headless Chromium, served by a Java node, on a mixed cluster: two Java nodes and a Node
 * node (the real {@code @socket.io/admin-ui} instrumentation) on one Redis adapter. The UI lists the three servers
 * with their client counts and every socket; its commands reach sockets on the Java and the Node nodes; a wrong
 * password is refused; a login made on a Java node is valid on the Node node (one session store in Redis).
 */
@ExtendWith(RedisExtension.class)
class AdminUiBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final AdminClients clients = new AdminClients();

  @AfterEach
  void close() throws Exception {
    clients.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }

  @Test
  void theOfficialUiShowsAMixedJavaAndNodeClusterAndActsOnIt() throws Exception {
    String key = RedisExtension.uniqueKey("admin-ui");
    AdminNode a = new AdminNode(key, "java-a", RedisAdminSessionStore.DEFAULT_PREFIX);
    clients.closeLater(a);
    AdminNode b = new AdminNode(key, "java-b", RedisAdminSessionStore.DEFAULT_PREFIX);
    clients.closeLater(b);
    int port = freePort();
    NodeProcess nodeC = NodeProcess.start("admin-node-server.mjs", Integer.toString(port), RedisExtension.url(), key);
    clients.closeLater(nodeC);
    nodeC.awaitLine("listening");
    String c = "http://127.0.0.1:" + port;

    List<String> onA1 = new CopyOnWriteArrayList<>();
    List<String> onA2 = new CopyOnWriteArrayList<>();
    List<String> onB = new CopyOnWriteArrayList<>();
    List<String> onC = new CopyOnWriteArrayList<>();
    Socket a1 = clients.client(a.url(), "room1", onA1);
    Socket a2 = clients.client(a.url(), "room2", onA2);
    Socket b1 = clients.client(b.url(), "room1", onB);
    Socket c1 = clients.client(c, "room1", onC);
    String b1Id = b1.id();
    String c1Id = c1.id();

    NodeProcess ui = NodeProcess.start("clients/admin-ui-e2e.mjs", a.url() + "/admin-ui/", a.url(), AdminNode.USER,
        AdminNode.PASSWORD);
    clients.closeLater(ui);
    JsonNode ready = ui.awaitLine("ready", Duration.ofSeconds(90));
    assertThat(ready.path("problems")).as("page and console errors").isEmpty();
    assertThat(ui.command(cmd("config")).path("supportedFeatures").toString()).contains("EMIT", "DISCONNECT");

    // the Servers page: three servers, Java and Node, each with its own clients (node A also holds the UI's)
    String nodeId = "node-" + port;
    await().atMost(WAIT).untilAsserted(() -> {
      Map<String, Integer> counts = new TreeMap<>();
      ui.command(cmd("servers").put("minServers", 3)).path("servers").forEach(s ->
          counts.put(s.path("serverId").asText(), s.path("clientsCount").asInt()));
      assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("java-a", 3, "java-b", 1, nodeId, 1));
    });

    // the Sockets page lists the sockets of every node
    await().atMost(WAIT).untilAsserted(() -> {
      List<String> ids = new ArrayList<>();
      ui.command(cmd("sockets").put("minSockets", 4)).path("sockets").forEach(s -> {
        if (s.path("nsp").asText().equals("/")) {
          ids.add(s.path("id").asText());
        }
      });
      assertThat(ids).contains(a1.id(), a2.id(), b1Id, c1Id);
    });

    // an emit from the UI's socket reaches room1 on the three nodes, and only room1
    ui.command(cmd("emit").put("nsp", "/").put("room", "room1").put("event", "announce")
        .put("args", "[\"from the UI\"]"));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(AdminClients.named(onA1, "announce")).containsExactly("announce [\"from the UI\"]");
      assertThat(AdminClients.named(onB, "announce")).hasSize(1);
      assertThat(AdminClients.named(onC, "announce")).hasSize(1);
    });
    assertThat(AdminClients.named(onA2, "announce")).isEmpty();

    // the socket page's disconnect button, for a socket of the Node node and one of Java node B
    ui.command(cmd("disconnect").put("nsp", "/").put("socketId", c1Id));
    await().atMost(WAIT).until(() -> onC.contains("disconnect io server disconnect"));
    ui.command(cmd("disconnect").put("nsp", "/").put("socketId", b1Id));
    await().atMost(WAIT).until(() -> onB.contains("disconnect io server disconnect"));
    assertThat(onA1).doesNotContain("disconnect io server disconnect");

    Path shot = Path.of("target", "admin-ui", "dashboard.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    ui.command(cmd("screenshot").put("path", shot.toString()));
    assertThat(Files.size(shot)).as("screenshot bytes").isGreaterThan(10_000);
    System.out.println("[admin-ui] dashboard screenshot: " + shot + "; servers: "
        + ui.command(cmd("servers")).path("servers"));

    // a wrong password is refused with the message the UI shows; the right one gets back in
    assertThatThrownBy(() -> ui.command(cmd("login").put("username", AdminNode.USER).put("password", "wrong")))
        .hasMessageContaining("invalid credentials");
    assertThat(ui.command(cmd("login").put("username", AdminNode.USER).put("password", AdminNode.PASSWORD))
        .path("connected").asBoolean()).isTrue();

    // one login for the whole cluster: a session a Java node made lets the Node node in, without a password
    List<String> adminEvents = new CopyOnWriteArrayList<>();
    CompletableFuture<String> loggedIn = new CompletableFuture<>();
    clients.connect(a.url(), "/admin", Map.of("username", AdminNode.USER, "password", AdminNode.PASSWORD),
        adminEvents, loggedIn);
    assertThat(loggedIn.get(10, TimeUnit.SECONDS)).isEqualTo("connected");
    await().atMost(WAIT).until(() -> !AdminClients.named(adminEvents, "session").isEmpty());
    String session = AdminClients.args(AdminClients.named(adminEvents, "session").get(0)).getString(0);
    CompletableFuture<String> onNode = new CompletableFuture<>();
    clients.connect(c, "/admin", Map.of("sessionId", session), new ArrayList<>(), onNode);
    assertThat(onNode.get(10, TimeUnit.SECONDS)).isEqualTo("connected");
    CompletableFuture<String> forged = new CompletableFuture<>();
    clients.connect(c, "/admin", Map.of("sessionId", "0123456789abcdef"), new ArrayList<>(), forged);
    assertThat(forged.get(10, TimeUnit.SECONDS)).isEqualTo("error: invalid credentials");
  }
}
