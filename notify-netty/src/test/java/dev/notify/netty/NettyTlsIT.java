package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.server.NotifyServer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NotifyNetty over TLS with a self-signed certificate (made by the JDK's keytool): the Java client connects over
 * {@code https://} and {@code wss://}, trusting that certificate, and the server sees the requests as secure.
 */
class NettyTlsIT {

  private static final char[] PASSWORD = "changeit".toCharArray();

  private static NotifyServer io;
  private static NotifyNetty netty;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("notify-tls");
    Path keystore = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "notify", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as("keytool: %s", new String(process.getInputStream().readAllBytes())).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SslContext tls = SslContextBuilder.forServer(keys).build();

    io = NotifyServer.builder().build();
    io.onConnection(socket -> socket.on("secure?", (args, ack) -> ack.send(socket.handshake().secure())));
    netty = NotifyNetty.builder().port(0).add(io).sslContext(tls).start();
  }

  @AfterAll
  static void stop() throws Exception {
    netty.close();
    io.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @ParameterizedTest(name = "transports {0}")
  @ValueSource(strings = {"websocket", "polling,websocket"})
  void javaClientConnectsOverTlsAndTheServerSeesASecureHandshake(String transports) throws Exception {
    try (JavaClient client = JavaClient.connect("https://127.0.0.1:" + netty.port(), "/socket.io/", trustingAll(),
        transports.split(","))) {
      client.awaitTransport("websocket");
      assertThat(client.call("secure?")).containsExactly(true);
    }
  }

  /** OkHttp that accepts any certificate and host name: the test's certificate is self-signed. */
  private static OkHttpClient trustingAll() throws Exception {
    X509TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {trustAll}, null);
    return new OkHttpClient.Builder().sslSocketFactory(ssl.getSocketFactory(), trustAll)
        .hostnameVerifier((host, session) -> true).build();
  }
}
