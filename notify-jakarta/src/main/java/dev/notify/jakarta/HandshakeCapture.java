package dev.notify.jakarta;

import dev.notify.core.server.EngineOptions;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * Captures what the Engine.IO session needs from the upgrade request (headers and URL), which Jakarta WebSocket
 * does not give the endpoint, and refuses origins outside an explicit allow-list with 403. Since WebSocket 2.1
 * the user properties written here are a per-connection copy that becomes the session's user properties.
 */
final class HandshakeCapture extends ServerEndpointConfig.Configurator {

  static final String HEADERS = "dev.notify.handshake.headers";
  static final String URL = "dev.notify.handshake.url";
  static final String REMOTE_ADDRESS = "dev.notify.handshake.remoteAddress";
  /** The peer address of the upgrade request this thread serves, when {@link PeerAddressListener} runs. */
  static final ThreadLocal<String> UPGRADE_PEER = new ThreadLocal<>();

  private static final String PERMESSAGE_DEFLATE = "permessage-deflate";

  private final Endpoint endpoint;
  private final EngineOptions options;

  HandshakeCapture(Endpoint endpoint, EngineOptions options) {
    this.endpoint = endpoint;
    this.options = options;
  }

  @Override
  public boolean checkOrigin(String origin) {
    // with no allow-list the rule is "same origin", which needs the Host header: the endpoint checks it
    return origin == null || options.allowedOrigins().isEmpty() || options.isOriginAllowed(origin, null);
  }

  @Override
  public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
    Map<String, List<String>> headers = request.getHeaders();
    sec.getUserProperties().put(HEADERS, headers);
    String query = request.getQueryString();
    String path = request.getRequestURI() == null ? options.path() : request.getRequestURI().getPath();
    sec.getUserProperties().put(URL, query == null ? path : path + "?" + query);
    String peer = UPGRADE_PEER.get();
    if (peer != null) {
      sec.getUserProperties().put(REMOTE_ADDRESS, peer);
    }
  }

  /**
   * permessage-deflate when the server's options allow it and the client asked for it, nothing else: containers
   * would otherwise agree to every installed extension the client offers.
   */
  @Override
  public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
    if (!options.perMessageDeflate()
        || installed.stream().noneMatch(e -> PERMESSAGE_DEFLATE.equals(e.getName()))) {
      return List.of();
    }
    return requested.stream().filter(e -> PERMESSAGE_DEFLATE.equals(e.getName())).limit(1).toList();
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(endpoint);
  }
}
