package dev.notify.examples.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rest of the web application: the page at {@code /}, the Socket.IO browser client it loads (from
 * {@code interop/node_modules}, never copied into the repository), and {@code POST /notifications?text=...}.
 */
@ApplicationScoped
class Web {

  /** The servlet context parameter naming the folder of {@code node_modules/socket.io-client}. */
  static final String INTEROP_DIR = "example.interop-dir";

  @Inject
  Notifications notifications;

  void routes(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
    Path client = Path.of(context.getInitParameter(INTEROP_DIR),
        "node_modules/socket.io-client/dist/socket.io.min.js");
    context.addServlet("page", new Page(client)).addMapping("", "/socket.io.min.js");
    context.addServlet("notifications", new Send(notifications)).addMapping("/notifications");
  }

  private static final class Page extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Path client;

    Page(Path client) {
      this.client = client;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (request.getServletPath().equals("/socket.io.min.js")) {
        if (!Files.isRegularFile(client)) {
          response.sendError(404, "no " + client + ": run npm ci --prefix interop in the repository");
          return;
        }
        response.setContentType("text/javascript");
        Files.copy(client, response.getOutputStream());
        return;
      }
      response.setContentType("text/html;charset=utf-8");
      try (InputStream page = Web.class.getResourceAsStream("/page/index.html")) {
        page.transferTo(response.getOutputStream());
      }
    }
  }

  private static final class Send extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Notifications notifications;

    Send(Notifications notifications) {
      this.notifications = notifications;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
      String text = request.getParameter("text");
      Notifications.Notification sent;
      try {
        sent = notifications.broadcast(text == null ? "" : text);
      } catch (IllegalArgumentException e) {
        response.sendError(400, e.getMessage());
        return;
      }
      response.setStatus(202);
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().println(sent.id());
    }
  }
}
