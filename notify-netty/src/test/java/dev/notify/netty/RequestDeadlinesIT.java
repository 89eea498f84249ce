package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.server.NotifyServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients too slow to send a request's head or body are closed after the builder's deadlines. */
class RequestDeadlinesIT {

  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration BODY_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private NotifyServer io;
  private NotifyNetty netty;

  @BeforeEach
  void start() {
    io = NotifyServer.builder().build();
    netty = NotifyNetty.builder().port(0).add(io).requestHeadTimeout(HEAD_TIMEOUT).requestBodyTimeout(BODY_TIMEOUT)
        .start();
  }

  @AfterEach
  void stop() {
    netty.close();
    io.close();
  }

  @Test
  void aConnectionThatSendsNoRequestIsClosedAfterTheHeadTimeout() throws Exception {
    try (Socket socket = connect()) {
      long start = System.nanoTime();
      socket.getOutputStream().write("GET /socket.io/?EIO=4".getBytes(StandardCharsets.US_ASCII));

      assertThat(socket.getInputStream().read()).as("end of stream: closed by the server").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(HEAD_TIMEOUT);
    }
  }

  @Test
  void aPostWhoseBodyStopsComingIsDroppedAfterTheBodyTimeoutAndItsSessionClosed() throws Exception {
    String open = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + netty.port() + "/socket.io/?EIO=4&transport=polling")).build(), HttpResponse.BodyHandlers.ofString()).body();
    String sid = open.substring(open.indexOf("\"sid\":\"") + 7, open.indexOf("\"sid\":\"") + 27);
    assertThat(io.clientsCount()).isEqualTo(1);
    try (Socket socket = connect()) {
      socket.getOutputStream().write(("POST /socket.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n4hello")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();

      assertThat(in.readAllBytes()).as("no response, closed").isEmpty();
      await().atMost(DEADLINE).until(() -> io.clientsCount() == 0);
    }
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", netty.port()), 5000);
    socket.setSoTimeout((int) DEADLINE.toMillis());
    return socket;
  }
}
