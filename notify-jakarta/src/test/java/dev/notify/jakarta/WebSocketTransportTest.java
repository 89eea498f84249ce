package dev.notify.jakarta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.protocol.Frame;
import dev.notify.core.server.NotifyServer;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket send loop against a container of the test's own: one message pending at a time, sends completed
 * inline continue the loop without recursing, and a failed send closes the session.
 */
class WebSocketTransportTest {

  /** What the container was asked to send, and the handlers the test completes when it chooses. */
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<SendHandler> pending = new ArrayList<>();
  private boolean completeInline;
  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler())
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  private Session container() {
    RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
          if (method.getName().equals("sendText") && args.length == 2) {
            sent.add((String) args[0]);
            complete((SendHandler) args[1]);
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getAsyncRemote" -> remote;
          case "isOpen" -> true;
          case "getId" -> "ws-1";
          case "close" -> null;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private void complete(SendHandler handler) {
    if (completeInline) {
      handler.onResult(new SendResult());
    } else {
      pending.add(handler);
    }
  }

  private EngineSession open(WebSocketTransport transport) {
    EngineSession session = Transports.engine(io).open(transport, TestRequests.handshake("websocket"));
    transport.attach(session);
    session.onDrain(transport); // as the endpoint does: the transport is ready for the open packet
    return session;
  }

  @Test
  void aFrameIsSentOnlyOnceThePreviousOneCompleted() {
    WebSocketTransport transport = new WebSocketTransport(container(), 1_000_000, Runnable::run);
    EngineSession session = open(transport);
    while (!pending.isEmpty()) {
      pending.remove(0).onResult(new SendResult()); // the handshake
    }
    sent.clear();

    session.send(List.of(Frame.text("4a"), Frame.text("4b"), Frame.text("4c")), false);

    assertThat(sent).containsExactly("4a");
    pending.remove(0).onResult(new SendResult());
    assertThat(sent).containsExactly("4a", "4b");
    pending.remove(0).onResult(new SendResult());
    pending.remove(0).onResult(new SendResult());
    assertThat(sent).containsExactly("4a", "4b", "4c");
    assertThat(pending).isEmpty();
  }

  @Test
  void sendsThatCompleteInlineContinueTheLoopWithoutRecursing() {
    completeInline = true;
    WebSocketTransport transport = new WebSocketTransport(container(), 1_000_000, Runnable::run);
    EngineSession session = open(transport);
    sent.clear();
    List<Frame> many = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      many.add(Frame.text("4" + i));
    }

    session.send(many, false);

    assertThat(sent).hasSize(50_000).startsWith("40").endsWith("449999");
  }

  @Test
  void aFailedSendClosesTheSession() {
    WebSocketTransport transport = new WebSocketTransport(container(), 1_000_000, Runnable::run);
    EngineSession session = open(transport);

    pending.remove(0).onResult(new SendResult(new IOException("connection reset")));

    assertThat(session.isOpen()).isFalse();
    assertThat(io.clientsCount()).isZero();
  }
}
