package dev.notify.jakarta.container;

import dev.notify.core.server.NotifyServer;
import dev.notify.jakarta.NotifyEndpoint;
import dev.notify.jakarta.NotifyServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plain {@code web.xml} deployment of the README, in Tomcat: the servlet declared by class name with
 * {@code <async-supported>}, and a declared {@link ServletContextListener} that puts the server in
 * {@link NotifyServlet#SERVER_ATTRIBUTE} and registers the WebSocket endpoint. Both clients connect with default
 * transports (polling, then upgrade) and with polling only.
 */
class TomcatWebXmlDeploymentIT {

  private static ScenarioServer server;
  private static ServedContainer tomcat;

  /** The application's listener, as {@code <listener><listener-class>} would declare it. */
  public static final class NotifyListener implements ServletContextListener {
    static volatile NotifyServer io;

    @Override
    public void contextInitialized(ServletContextEvent event) {
      ServletContext context = event.getServletContext();
      context.setAttribute(NotifyServlet.SERVER_ATTRIBUTE, io);
      ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
      try {
        container.addEndpoint(NotifyEndpoint.config(io));
      } catch (DeploymentException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeAll
  static void deploy() throws Exception {
    server = new ScenarioServer();
    NotifyListener.io = server.io;
    tomcat = TomcatContainer.start(ContainerKind.ContainerTimeouts.DEFAULTS, context -> {
      context.addApplicationListener(NotifyListener.class.getName());
      Wrapper servlet = Tomcat.addServlet(context, "notify", NotifyServlet.class.getName());
      servlet.setAsyncSupported(true);
      servlet.setLoadOnStartup(1);
      context.addServletMappingDecoded("/socket.io/*", "notify");
    });
  }

  @AfterAll
  static void undeploy() {
    server.close();
    tomcat.close();
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(value = ClientKind.class)
  void clientsExchangeOverPollingThenWebSocket(ClientKind client) throws Exception {
    String label = "web-xml-default-" + client;
    ContainerClientsIT.assertExchanged(server, label, ClientMode.DEFAULT,
        client.exchange(tomcat.url(), label, ClientMode.DEFAULT));
  }

  @ParameterizedTest(name = "{0} client")
  @EnumSource(value = ClientKind.class)
  void clientsExchangeOverPollingOnly(ClientKind client) throws Exception {
    String label = "web-xml-polling-" + client;
    ContainerClientsIT.assertExchanged(server, label, ClientMode.POLLING,
        client.exchange(tomcat.url(), label, ClientMode.POLLING));
  }
}
