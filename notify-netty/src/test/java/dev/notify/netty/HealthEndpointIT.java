package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.NotifyServer;
import dev.notify.core.server.ServerHealth.Check;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code NotifyNetty.healthPath}: readiness and liveness over HTTP, for one server and for two. */
class HealthEndpointIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private NotifyServer io;
  private NotifyServer admin;
  private NotifyNetty http;

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
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

  @Test
  void readyAndLiveAnswer200Or503WithTheHealthAsJson() throws Exception {
    io = NotifyServer.builder().build();
    AtomicBoolean cacheUp = new AtomicBoolean(true);
    io.addHealthCheck("cache", () -> cacheUp.get() ? Check.up("warm") : Check.down("unreachable"));
    http = NotifyNetty.builder().host("127.0.0.1").port(0).add(io).healthPath("/health").start();
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

  @Test
  void twoServersAnswerByPathAndTheWorstDecides() throws Exception {
    io = NotifyServer.builder().build();
    admin = NotifyServer.builder().path("/admin-io/").build();
    http = NotifyNetty.builder().host("127.0.0.1").port(0).add(io).add(admin).healthPath("/status").start();
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

  @Test
  void aHealthPathIsValidatedAndKeptOutOfTheSocketIoPath() {
    assertThatThrownBy(() -> NotifyNetty.builder().healthPath("health"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'health'");
    assertThatThrownBy(() -> NotifyNetty.builder().healthPath("/health/"))
        .isInstanceOf(IllegalArgumentException.class);
    io = NotifyServer.builder().build();
    assertThatThrownBy(() -> NotifyNetty.builder().port(0).add(io).healthPath("/socket.io/health").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("healthPath /socket.io/health is under the Socket.IO path /socket.io/");
  }
}
