package dev.notify.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth.Check;
import dev.notify.netty.NotifyNetty;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code healthPath} of the standalone servers, {@link NotifyStandalone} and {@link NotifyNetty}: readiness and
 * liveness over HTTP, for one server and for two. Here rather than in notify-netty, which cannot see this module's
 * tests (notify-jakarta tests on Netty, as the container matrix does).
 */
class HealthEndpointIT {

  /** A standalone server with a health endpoint, started on 127.0.0.1 and a free port. */
  enum Standalone {
    GRIZZLY {
      @Override
      Running start(String healthPath, NotifyServer... servers) {
        NotifyStandalone.Builder builder = NotifyStandalone.builder().host("127.0.0.1").port(0);
        for (NotifyServer server : servers) {
          builder.add(server);
        }
        NotifyStandalone started = builder.healthPath(healthPath).start();
        return new Running(started.port(), started);
      }

      @Override
      void healthPath(String path) {
        NotifyStandalone.builder().healthPath(path);
      }
    },
    NETTY {
      @Override
      Running start(String healthPath, NotifyServer... servers) {
        NotifyNetty.Builder builder = NotifyNetty.builder().host("127.0.0.1").port(0);
        for (NotifyServer server : servers) {
          builder.add(server);
        }
        NotifyNetty started = builder.healthPath(healthPath).start();
        return new Running(started.port(), started);
      }

      @Override
      void healthPath(String path) {
        NotifyNetty.builder().healthPath(path);
      }
    };

    abstract Running start(String healthPath, NotifyServer... servers);

    /** Only sets the builder's health path, for its validation. */
    abstract void healthPath(String path);
  }

  /** A started standalone server. */
  record Running(int port, AutoCloseable server) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private NotifyServer io;
  private NotifyServer admin;
  private Running http;

  @AfterEach
  void close() throws Exception {
    if (http != null) {
      http.server().close();
    }
    if (io != null) {
      io.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource
  void readyAndLiveAnswer200Or503WithTheHealthAsJson(Standalone standalone) throws Exception {
    io = NotifyServer.builder().build();
    AtomicBoolean cacheUp = new AtomicBoolean(true);
    io.addHealthCheck("cache", () -> cacheUp.get() ? Check.up("warm") : Check.down("unreachable"));
    http = standalone.start("/health", io);
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/health").statusCode() == 200);

    HttpResponse<String> ready = send("GET", "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/json"));
    assertThat(ready.headers().firstValue("cache-control")).hasValue("no-store");
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.at("/checks/cache/detail").asText()).isEqualTo("warm");
    assertThat(send("HEAD", "/health/live").statusCode()).isEqualTo(200);

    cacheUp.set(false);
    HttpResponse<String> degraded = send("GET", "/health");
    assertThat(degraded.statusCode()).as("a dependency down keeps the node in the balancer").isEqualTo(200);
    assertThat(JSON.readTree(degraded.body()).get("status").asText()).isEqualTo("DEGRADED");

    assertThat(send("GET", "/health/other").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send("POST", "/health");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");

    io.close();
    assertThat(send("GET", "/health/ready").statusCode()).isEqualTo(503);
    HttpResponse<String> dead = send("GET", "/health/live");
    assertThat(dead.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(dead.body()).get("status").asText()).isEqualTo("DOWN");
  }

  @ParameterizedTest
  @EnumSource
  void twoServersAnswerByPathAndTheWorstDecides(Standalone standalone) throws Exception {
    io = NotifyServer.builder().build();
    admin = NotifyServer.builder().path("/admin-io/").build();
    http = standalone.start("/status", io, admin);
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/status").statusCode() == 200);

    JsonNode both = JSON.readTree(send("GET", "/status").body());
    assertThat(both.fieldNames()).toIterable().containsExactly("/socket.io/", "/admin-io/");
    assertThat(both.at("/~1admin-io~1/status").asText()).isEqualTo("UP");

    admin.drain(Duration.ofSeconds(30));
    HttpResponse<String> draining = send("GET", "/status/ready");
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(draining.body()).at("/~1admin-io~1/status").asText()).isEqualTo("DRAINING");
    assertThat(send("GET", "/status/live").statusCode()).as("draining is alive").isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource
  void aHealthPathIsValidatedAndKeptOutOfTheSocketIoPath(Standalone standalone) {
    assertThatThrownBy(() -> standalone.healthPath("health"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'health'");
    assertThatThrownBy(() -> standalone.healthPath("/health/"))
        .isInstanceOf(IllegalArgumentException.class);
    io = NotifyServer.builder().build();
    assertThatThrownBy(() -> standalone.start("/socket.io/health", io))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("healthPath /socket.io/health is under the Socket.IO path /socket.io/");
  }
}
