package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisServer;
import dev.notify.redis.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster over TLS ({@code rediss://}): a redis-server of its own with a TLS port and a certificate for
 * 127.0.0.1 signed by a CA made for the test (openssl), trusted through {@code sslSocketFactory}. Skipped when
 * openssl is missing or the redis-server was built without TLS.
 */
@ExtendWith(RedisExtension.class)
class RedisTlsIT {

  private static Path dir;
  private static RedisServer redis;
  private static int tlsPort;
  private static SSLSocketFactory trustingTestCa;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("notify-tls-");
    assumeThat(openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=notify test CA")).as("openssl is needed to make the test's CA").isTrue();
    Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
    assertThat(openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1")).isTrue();
    assertThat(openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.cnf")).isTrue();

    tlsPort = RedisServer.freePort();
    try {
      redis = RedisServer.start("--tls-port", String.valueOf(tlsPort),
          "--tls-cert-file", dir.resolve("server.crt").toString(),
          "--tls-key-file", dir.resolve("server.key").toString(),
          "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
          "--tls-auth-clients", "no");
    } catch (IllegalStateException e) {
      assumeThat(e.getMessage()).as("this redis-server has no TLS support").doesNotContain("tls");
      throw e;
    }

    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream ca = Files.newInputStream(dir.resolve("ca.crt"))) {
      trust.setCertificateEntry("notify-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    trustingTestCa = context.getSocketFactory();
  }

  @AfterAll
  static void stop() throws IOException {
    if (redis != null) {
      redis.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void nodesAndAnEmitterShareBroadcastsOverTls() {
    RedisConnectionOptions connection = RedisConnectionOptions.builder()
        .url("rediss://127.0.0.1:" + tlsPort)
        .sslSocketFactory(trustingTestCa)
        .build();
    RedisAdapterOptions options = RedisAdapterOptions.builder().connection(connection)
        .key(RedisExtension.uniqueKey("tls")).build();
    try (Cluster cluster = Cluster.start(options, 2);
        RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().connection(connection)
            .key(options.key()).build())) {
      TestClient remote = cluster.node(1).client("room1");

      cluster.node(0).io().to("room1").emit("over-tls", 1);
      emitter.to("room1").emit("over-tls", 2);

      // two publishers, each on a connection of its own: no order between them
      assertThat(remote.await("over-tls", 2)).extracting(e -> e.args().get(0)).containsExactlyInAnyOrder(1, 2);
    }
  }

  @Test
  void aServerCertificateTheTrustStoreDoesNotKnowIsRefused() {
    // the JVM's default trust store does not know the test's CA: the handshake fails, the publish is dropped
    try (RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder()
        .url("rediss://127.0.0.1:" + tlsPort).key(RedisExtension.uniqueKey("tls-untrusted")).build())) {
      emitter.to("room1").emit("never");

      await().atMost(Duration.ofSeconds(10)).until(() -> emitter.droppedPublishes() > 0);
      assertThat(emitter.redisAvailable()).isFalse();
    }
  }

  private static boolean openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    } catch (IOException e) {
      return false;
    }
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
