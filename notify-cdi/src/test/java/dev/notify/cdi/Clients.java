package dev.notify.cdi;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** The official Java client ({@code io.socket:socket.io-client}), connected and joined to {@code news}. */
final class Clients {

  static final Duration DEADLINE = Duration.ofSeconds(20);

  private Clients() {
  }

  /** A connected client: the headlines it received, the transport it uses now. */
  record Client(Socket socket, BlockingQueue<String> headlines, AtomicReference<String> transport)
      implements AutoCloseable {

    Object[] call(String event, Object... args) {
      CompletableFuture<Object[]> answer = new CompletableFuture<>();
      socket.emit(event, args, (Ack) answer::complete);
      return await(answer, "ack of " + event);
    }

    String nextHeadline() throws InterruptedException {
      String headline = headlines.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (headline == null) {
        throw new AssertionError("no headline within " + DEADLINE);
      }
      return headline;
    }

    @Override
    public void close() {
      socket.disconnect();
      socket.io().off();
    }
  }

  /**
   * Connects to {@code http://127.0.0.1:port} at {@code path} and waits until the application has put it in
   * {@code news}.
   *
   * @param transports the client's transports, or none for its default (polling, then upgrade to websocket)
   */
  static Client connect(int port, String path, String... transports) {
    IO.Options options = IO.Options.builder()
        .setForceNew(true)
        .setReconnection(false)
        .setPath(path)
        .build();
    if (transports.length > 0) {
      options.transports = transports;
    }
    Socket socket = IO.socket(URI.create("http://127.0.0.1:" + port), options);
    AtomicReference<String> transport = new AtomicReference<>();
    socket.io().on(Manager.EVENT_TRANSPORT, args -> transport.set(((Transport) args[0]).name));
    BlockingQueue<String> headlines = new LinkedBlockingQueue<>();
    socket.on("headline", args -> headlines.add((String) args[0]));
    CompletableFuture<Void> joined = new CompletableFuture<>();
    socket.once("joined", args -> joined.complete(null));
    socket.once(Socket.EVENT_CONNECT_ERROR, args -> joined.completeExceptionally(
        new AssertionError("connect_error: " + args[0])));
    socket.connect();
    await(joined, "joining news");
    return new Client(socket, headlines, transport);
  }

  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": nothing within " + DEADLINE, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(what + ": interrupted", e);
    }
  }
}
