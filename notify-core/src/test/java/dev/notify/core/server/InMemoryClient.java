package dev.notify.core.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A Socket.IO client connected to a {@link NotifyServer} through a {@link TestTransport}: no network, and with a
 * direct handler executor everything happens on the calling thread.
 */
final class InMemoryClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final TestTransport transport;
  final Socket socket;

  private InMemoryClient(TestTransport transport, Socket socket) {
    this.transport = transport;
    this.socket = socket;
  }

  /** Opens an Engine.IO session on {@code io} and connects to the main namespace. */
  static InMemoryClient connect(NotifyServer io) {
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(io.engine(), TestRequests.handshake("websocket"));
    transport.drain();
    transport.receive("40");
    String answer = transport.texts().stream().filter(t -> t.startsWith("40{")).findFirst()
        .orElseThrow(() -> new AssertionError("no CONNECT answer in " + transport.texts()));
    String sid;
    try {
      sid = MAPPER.readTree(answer.substring(2)).get("sid").textValue();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    Socket socket = io.of("/").sockets().get(sid);
    if (socket == null) {
      throw new AssertionError("socket " + sid + " is not in the main namespace");
    }
    return new InMemoryClient(transport, socket);
  }

  /** The EVENT packets this client received, as Engine.IO wire text ({@code 42[...]}). */
  List<String> events() {
    return transport.texts().stream().filter(t -> t.startsWith("42")).toList();
  }
}
