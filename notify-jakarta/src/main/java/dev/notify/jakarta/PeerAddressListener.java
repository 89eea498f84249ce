package dev.notify.jakarta;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;

/**
 * Hands the peer address of a WebSocket upgrade request to {@link HandshakeCapture}. Jakarta WebSocket has no
 * portable way to learn it, and Tomcat (unlike Jetty and Tyrus) exposes it nowhere to an endpoint; but the
 * container calls the configurator's {@code modifyHandshake} on the thread that serves the upgrade request, between
 * these two callbacks. Registered by {@link NotifyServlet#install}.
 */
final class PeerAddressListener implements ServletRequestListener {

  @Override
  public void requestInitialized(ServletRequestEvent event) {
    HandshakeCapture.UPGRADE_PEER.set(event.getServletRequest().getRemoteAddr());
  }

  @Override
  public void requestDestroyed(ServletRequestEvent event) {
    HandshakeCapture.UPGRADE_PEER.remove();
  }
}
