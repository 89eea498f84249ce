package dev.notify.jakarta.client;

import dev.notify.jakarta.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket client (the JDK's) that speaks Engine.IO and Socket.IO by hand, for what the Java Socket.IO client
 * will not do, such as leaving a ping unanswered. It records every text frame it receives, sends only what the
 * test tells it to (and Engine.IO pongs while {@link #answerPings} is on), and records how the server closed the
 * connection. The JDK answers WebSocket pings and the close frame by itself.
 */
final class RawClient implements AutoCloseable {

  /** How the server ended the WebSocket. */
  record Closed(int code, String reason) {
  }

  private final Recorder<String> frames = new Recorder<>();
  private final CompletableFuture<Closed> closed = new CompletableFuture<>();
  private final WebSocket ws;
  private final Object sending = new Object();
  /** guarded by sending: the last send, so that sends never overlap (the JDK refuses that) */
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
  private volatile boolean answerPings;
  private volatile boolean reading = true;

  private RawClient(URI uri) {
    this.ws = Await.result(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new Listener()));
  }

  /** Opens a WebSocket to the Engine.IO endpoint of a server listening on 127.0.0.1. */
  static RawClient open(int port) {
    return new RawClient(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"));
  }

  /** The next text frame from the server, waiting for it. */
  String next() {
    return frames.next();
  }

  /** Every text frame received so far. */
  java.util.List<String> received() {
    return frames.all();
  }

  /** Sends a text frame, waiting until it is written. */
  void send(String text) {
    Await.result(enqueue(text));
  }

  /** Sends a binary frame, waiting until it is written. */
  void send(byte[] data) {
    Await.result(enqueue(data));
  }

  /** Queues a text frame behind those queued before and returns at once; the future completes once written. */
  CompletableFuture<?> enqueue(String text) {
    synchronized (sending) {
      tail = tail.thenCompose(v -> ws.sendText(text, true));
      return tail;
    }
  }

  /** Queues a binary frame; see {@link #enqueue(String)}. */
  CompletableFuture<?> enqueue(byte[] data) {
    synchronized (sending) {
      tail = tail.thenCompose(v -> ws.sendBinary(ByteBuffer.wrap(data), true));
      return tail;
    }
  }

  /**
   * Stops reading: what the server sends stays in the socket buffers, then in the server, as with a client that
   * is stuck or malicious. The client can still send.
   */
  void stopReading() {
    reading = false;
  }

  /** Whether to answer Engine.IO pings ({@code 2}) with pongs ({@code 3}) from now on; off at first. */
  void answerPings(boolean answer) {
    this.answerPings = answer;
  }

  /** Completes when the server closed the WebSocket (or the connection broke: code 1006). */
  CompletableFuture<Closed> closed() {
    return closed;
  }

  @Override
  public void close() {
    ws.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        frames.add(frame);
        if (answerPings && frame.equals("2")) {
          enqueue("3");
        }
      }
      if (reading) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(new Closed(1006, String.valueOf(error)));
    }
  }
}
