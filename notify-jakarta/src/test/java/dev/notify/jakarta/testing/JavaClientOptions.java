package dev.notify.jakarta.testing;

import io.socket.client.IO;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/** The options the Java Socket.IO clients of these tests start from, on one shared OkHttp client. */
public final class JavaClientOptions {

  private static final OkHttpClient HTTP = httpClient();

  private JavaClientOptions() {
  }

  /** WebSocket only, a new connection per client, no reconnection. */
  public static IO.Options websocketOnly() {
    IO.Options options = new IO.Options();
    options.transports = new String[] {"websocket"};
    options.forceNew = true;
    options.reconnection = false;
    options.webSocketFactory = JavaClientOptions::newWebSocket;
    options.callFactory = HTTP;
    return options;
  }

  private static OkHttpClient httpClient() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(1_000);
    dispatcher.setMaxRequestsPerHost(1_000);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .readTimeout(1, TimeUnit.MINUTES)
        .build();
  }

  private static WebSocket newWebSocket(Request request, WebSocketListener listener) {
    return HTTP.newWebSocket(request, new AnswerClose(listener));
  }

  /**
   * Forwards everything, and answers the server's close frame as browsers do (OkHttp 3 leaves that to the
   * listener), so that the connection ends and the client knows.
   */
  private static final class AnswerClose extends WebSocketListener {
    private final WebSocketListener delegate;

    AnswerClose(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      delegate.onFailure(webSocket, t, response);
    }
  }
}
