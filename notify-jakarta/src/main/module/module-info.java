/**
 * notify in Jakarta servers: the WebSocket endpoint and the long-polling servlet for any Jakarta WebSocket 2.1 /
 * Servlet 6 container (both APIs are the container's; the servlet's only for {@code NotifyServlet}), and
 * {@code NotifyStandalone} on Tyrus and Grizzly, optional dependencies: a modular application that uses it requires
 * {@code org.glassfish.tyrus.server} and {@code org.glassfish.tyrus.container.grizzly.server} too.
 */
module dev.notify.jakarta {
  requires transitive dev.notify.core;
  requires transitive jakarta.websocket;
  requires static transitive jakarta.servlet;
  requires static org.glassfish.tyrus.server;
  requires static org.glassfish.tyrus.core;
  requires static org.glassfish.tyrus.spi;
  requires static org.glassfish.tyrus.container.grizzly.server;
  requires static org.glassfish.grizzly;
  requires static org.glassfish.grizzly.http;
  requires static org.glassfish.grizzly.http.server;
  requires org.slf4j;

  exports dev.notify.jakarta;
  // the notify.* settings that both framework integrations bind, each its own way
  exports dev.notify.jakarta.internal to dev.notify.spring, dev.notify.cdi;
}
