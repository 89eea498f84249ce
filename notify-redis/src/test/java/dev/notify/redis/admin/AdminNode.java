package dev.notify.redis.admin;

import dev.notify.admin.AdminUi;
import dev.notify.admin.AdminUiOptions;
import dev.notify.admin.RedisAdminSessionStore;
import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyStandalone;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.testing.NodeProcess;
import dev.notify.redis.testing.RedisExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Java node of an Admin UI test: Redis adapter, {@link AdminUi} with basic auth and the Redis session store
 * (Node's key format), the UI's files at {@code /admin-ui/}. Clients of the main namespace join the rooms of
 * {@code auth.rooms} and answer {@code ping} with {@code pong}.
 */
final class AdminNode implements AutoCloseable {

  static final String USER = "admin";
  static final String PASSWORD = "secret";
  /** bcrypt of "secret", cost 10, as {@code bcryptjs.hashSync("secret", 10)} makes it. */
  static final String HASH = org.springframework.security.crypto.bcrypt.BCrypt.hashpw(PASSWORD,
      org.springframework.security.crypto.bcrypt.BCrypt.gensalt(10));

  final NotifyServer io;
  final AdminUi admin;
  final RedisAdminSessionStore sessions;
  final NotifyStandalone http;

  AdminNode(String key, String serverId, String sessionPrefix) throws Exception {
    this(key, serverId, sessionPrefix, java.util.function.UnaryOperator.identity());
  }

  AdminNode(String key, String serverId, String sessionPrefix,
      java.util.function.UnaryOperator<AdminUiOptions.Builder> tune) throws Exception {
    io = NotifyServer.builder()
        .adapter(RedisAdapter.factory(RedisAdapterOptions.builder().url(RedisExtension.url()).key(key).build()))
        .build();
    io.onConnection(socket -> {
      for (String room : socket.handshake().auth().path("rooms").asText("").split(",")) {
        if (!room.isEmpty()) {
          socket.join(room);
        }
      }
      socket.on("ping", (args, ack) -> ack.send("pong"));
    });
    sessions = RedisAdminSessionStore.create(RedisExtension.url(), sessionPrefix,
        RedisAdminSessionStore.DEFAULT_SESSION_DURATION);
    admin = AdminUi.instrument(io, tune.apply(AdminUiOptions.builder().basicAuth(USER, HASH).serverId(serverId)
        .sessionStore(sessions)).build());
    Path ui = NodeProcess.interopDir().resolve("node_modules/@socket.io/admin-ui/ui/dist");
    http = NotifyStandalone.builder().host("127.0.0.1").port(0).add(io).adminUi("/admin-ui/", ui).start();
    io.of("/").ready().get(15, TimeUnit.SECONDS);
    io.of("/admin").ready().get(15, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  @Override
  public void close() {
    admin.close();
    io.close();
    http.close();
    sessions.close();
  }
}
