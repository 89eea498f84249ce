package dev.notify.jakarta.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.jakarta.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Polling clients send their next request on the connection that just carried an answer (HTTP/1.1 keep-alive).
 * Every such request must be answered, whichever thread answered the one before: a poll released by another
 * request, or a {@code POST} whose body arrived after its head. The standalone server once took a request that
 * came right after such an answer for the body of the previous one and never answered it (1 in ~50).
 */
class ContainerKeepAliveIT {

  private static final int ROUNDS = 300;
  /** Below every container's limit of requests per connection (Tomcat: 100), so no server closes one first. */
  private static final int ROUNDS_PER_CONNECTION = 20;
  private static final int READ_TIMEOUT_MS = 10_000;
  private static final RunningContainers containers = new RunningContainers(ScenarioServer::new);

  @AfterAll
  static void stopContainers() {
    containers.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void theNextRequestOnAConnectionIsAnsweredAfterAPostWhoseBodyCameLate(ContainerKind kind) throws Exception {
    URI endpoint = URI.create(containers.get(kind).container().endpoint());
    Connection handshakes = null;
    Connection posts = null;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        if (round % ROUNDS_PER_CONNECTION == 0) {
          close(handshakes, posts);
          handshakes = new Connection(endpoint);
          posts = new Connection(endpoint);
        }
        String session = handshake(handshakes, endpoint);

        assertThat(posts.send("POST", session, "40", true)).as("round %d", round).isEqualTo("200 ok");
        assertThat(posts.send("GET", session, null, false)).as("round %d: the poll after the POST", round)
            .startsWith("200 40{");
      }
    } finally {
      close(handshakes, posts);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ContainerKind.class)
  void theNextRequestOnAConnectionIsAnsweredAfterAPollReleasedByAnotherRequest(ContainerKind kind)
      throws Exception {
    URI endpoint = URI.create(containers.get(kind).container().endpoint());
    Connection handshakes = null;
    Connection polls = null;
    Connection posts = null;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        if (round % ROUNDS_PER_CONNECTION == 0) {
          close(handshakes, polls, posts);
          handshakes = new Connection(endpoint);
          polls = new Connection(endpoint);
          posts = new Connection(endpoint);
        }
        String session = handshake(handshakes, endpoint);

        // the poll waits (or, if the POST is served first, finds the packet): either way it gets the CONNECT
        polls.write("GET", session, null, false);
        assertThat(posts.send("POST", session, "40", false)).as("round %d", round).isEqualTo("200 ok");
        assertThat(polls.read()).as("round %d: the first poll", round).startsWith("200 40{");
        // a poll that waits until the client's close releases it with a noop
        polls.write("GET", session, null, false);
        assertThat(posts.send("POST", session, "1", false)).as("round %d", round).isEqualTo("200 ok");
        assertThat(polls.read()).as("round %d: the second poll", round).isEqualTo("200 6");
      }
    } finally {
      close(handshakes, polls, posts);
    }
  }

  private static String handshake(Connection connection, URI endpoint) throws IOException {
    String open = connection.send("GET", endpoint.getPath() + "?EIO=4&transport=polling", null, false);
    assertThat(open).as("handshake").startsWith("200 0{");
    int at = open.indexOf("\"sid\":\"") + 7;
    return endpoint.getPath() + "?EIO=4&transport=polling&sid=" + open.substring(at, open.indexOf('"', at));
  }

  private static void close(Connection... connections) throws IOException {
    for (Connection connection : connections) {
      if (connection != null) {
        connection.socket.close();
      }
    }
  }

  /** One keep-alive HTTP/1.1 connection; a response is read as "status body". */
  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private String lastRequest;

    Connection(URI endpoint) throws IOException {
      socket = new Socket(endpoint.getHost(), endpoint.getPort());
      socket.setSoTimeout(READ_TIMEOUT_MS);
      // a late body goes out at once, not after the head's delayed ACK: it arrives while the server is still busy
      // with the head, which is when the race was
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    String send(String method, String target, String body, boolean bodyLate) throws IOException {
      write(method, target, body, bodyLate);
      return read();
    }

    /** @param bodyLate the body in a second write, after the head was flushed: the server reads it separately */
    void write(String method, String target, String body, boolean bodyLate) throws IOException {
      lastRequest = method + " " + target;
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8"
          + "\r\nContent-Length: " + bytes.length + "\r\n\r\n";
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
      if (bodyLate) {
        out.write(request.toByteArray());
        out.flush();
        request.reset();
      }
      request.writeBytes(bytes);
      out.write(request.toByteArray());
      out.flush();
    }

    String read() throws IOException {
      try {
        RawHttpResponse response = RawHttpResponse.read(in);
        return response.status() + " " + response.body();
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("no answer within " + READ_TIMEOUT_MS + " ms to " + lastRequest);
      }
    }
  }
}
