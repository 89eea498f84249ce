package dev.notify.jakarta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.jakarta.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.ReadHandler;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.junit.jupiter.api.Test;

/**
 * The standalone server's guard against Grizzly 4 losing a connection's read interest while a request body is read
 * asynchronously (eclipse-ee4j/glassfish-grizzly#2297): a Grizzly server set up as the standalone one is (same-thread
 * I/O strategy, the guard above the HTTP codec) reads a POST body as it arrives; the test puts the connection in the
 * state that race leaves behind (the body reader's read interest taken away again) before the body is sent.
 */
class ConnectionGuardIT {

  @Test
  void aRequestBodyTheSelectorStoppedReadingIsReadAgainAfterASweepAndTheRequestAnswered() throws Exception {
    ConnectionGuard guard = new ConnectionGuard(Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20);
    CompletableFuture<NIOConnection> waiting = new CompletableFuture<>();
    HttpServer http = new HttpServer();
    NetworkListener listener = new NetworkListener("guard-test", "127.0.0.1", 0);
    listener.getTransport().setIOStrategy(SameThreadIOStrategy.getInstance());
    listener.registerAddOn(guard.addOn());
    http.addListener(listener);
    http.getServerConfiguration().addHttpHandler(new EchoBody(waiting), "/echo");
    http.start();
    try (Socket socket = new Socket("127.0.0.1", listener.getPort())) {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();

      NIOConnection connection = waiting.get(10, TimeUnit.SECONDS);
      SelectionKey key = connection.getSelectionKey();
      await().atMost(Duration.ofSeconds(10)).until(() -> (key.interestOps() & SelectionKey.OP_READ) != 0);
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ); // what the late suspension does
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(key.interestOps() & SelectionKey.OP_READ).as("nothing reads the body now").isZero();

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
        guard.sweep();
        return in.available() > 0;
      });
      RawHttpResponse response = RawHttpResponse.read(in);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("got hello");
    } finally {
      http.shutdownNow();
    }
  }

  /** Reads the body as it arrives, as the standalone server's polling transport does, and answers with it. */
  private static final class EchoBody extends HttpHandler {
    private final CompletableFuture<NIOConnection> waiting;

    EchoBody(CompletableFuture<NIOConnection> waiting) {
      this.waiting = waiting;
    }

    @Override
    public void service(Request request, Response response) {
      NIOInputStream in = request.getNIOInputStream();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      response.suspend();
      in.notifyAvailable(new ReadHandler() {
        @Override
        public void onDataAvailable() {
          take();
          in.notifyAvailable(this);
        }

        @Override
        public void onAllDataRead() throws IOException {
          take();
          byte[] answer = ("got " + body.toString(StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
          response.setContentType("text/plain");
          response.setContentLength(answer.length);
          response.getOutputStream().write(answer);
          response.resume();
        }

        @Override
        public void onError(Throwable t) {
          response.resume();
        }

        private void take() {
          Buffer chunk = in.readBuffer();
          byte[] bytes = new byte[chunk.remaining()];
          chunk.get(bytes);
          body.writeBytes(bytes);
          chunk.tryDispose();
        }
      });
      waiting.complete((NIOConnection) request.getContext().getConnection());
    }
  }
}
