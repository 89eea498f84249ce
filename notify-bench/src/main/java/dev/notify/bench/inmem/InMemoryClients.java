package dev.notify.bench.inmem;

import dev.notify.core.internal.Transports;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineSession;
import dev.notify.core.server.NotifyServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connects Socket.IO clients to a {@link NotifyServer} over {@link LoopbackTransport}s: no network, no container,
 * so what they cost is notify's own per-connection state. Build the server with a direct handler executor
 * ({@code executor(Runnable::run)}) and the CONNECT completes before {@link #connect} returns.
 */
public final class InMemoryClients {

  private InMemoryClients() {
  }

  /**
   * Opens an Engine.IO session over WebSocket and connects it to the main namespace.
   *
   * @param query handshake query parameters besides {@code EIO} and {@code transport}, such as {@code room=fan}
   */
  public static LoopbackTransport connect(NotifyServer io, int n, Map<String, String> query) {
    LoopbackTransport transport = new LoopbackTransport();
    EngineSession session = Transports.engine(io).open(transport, request(n, query));
    if (session == null) {
      throw new IllegalStateException("server closed");
    }
    transport.attach(session);
    session.onDrain(transport);
    transport.receive("40");
    return transport;
  }

  /** Connects {@code count} clients. */
  public static List<LoopbackTransport> connect(NotifyServer io, int count, Map<String, String> query, int from) {
    List<LoopbackTransport> clients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      clients.add(connect(io, from + i, query));
    }
    return clients;
  }

  /** The request the load generator sends, so that in-memory and network figures hold the same strings. */
  static EngineRequest request(int n, Map<String, String> extraQuery) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("127.0.0.1:3000"));
    headers.put("Upgrade", List.of("websocket"));
    headers.put("Connection", List.of("Upgrade"));
    headers.put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
    headers.put("Sec-WebSocket-Version", List.of("13"));
    Map<String, String> query = new LinkedHashMap<>();
    query.put("EIO", "4");
    query.put("transport", "websocket");
    query.putAll(extraQuery);
    StringBuilder url = new StringBuilder("/socket.io/?");
    query.forEach((k, v) -> url.append(k).append('=').append(v).append('&'));
    url.setLength(url.length() - 1);
    String address = "127.0.0." + (1 + n % 8);
    return new EngineRequest(headers, query, address, url.toString(), false);
  }
}
