package dev.notify.core.server;

import dev.notify.core.internal.LogKeys;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Who a log line is about, for one socket: notify's own lines about it carry its ids as key-value pairs, and the
 * application's code for it (middlewares, handlers, ack callbacks) runs with them in the MDC, so that the
 * application's own lines carry them too. The user is read from {@code socket.data()} under {@value #USER_ID_KEY}
 * each time, since the application may set it late (in a middleware). Thread-safe.
 */
final class LogContext {

  /** The {@code socket.data()} key of the user id: the one {@code NotificationService} reads by default. */
  static final String USER_ID_KEY = "userId";
  static final String MDC_SID = "notify.sid";
  static final String MDC_NSP = "notify.nsp";
  static final String MDC_SOCKET = "notify.socket";
  static final String MDC_USER = "notify.user";

  /** A piece of the application's code, maybe throwing a checked exception (a middleware). */
  interface Body<E extends Exception> {
    void run() throws E;
  }

  private final String sid;
  private final String nsp;
  private final String socket;
  private final Supplier<Map<String, Object>> data;

  /** @param data the socket's data map, or {@code null} while it has none */
  LogContext(String sid, String nsp, String socket, Supplier<Map<String, Object>> data) {
    this.sid = sid;
    this.nsp = nsp;
    this.socket = socket;
    this.data = data;
  }

  /** Adds the session id and namespace of a line about a connection that has no socket there (yet). */
  static LoggingEventBuilder about(LoggingEventBuilder line, String sid, String nsp) {
    return line.addKeyValue(LogKeys.SID, sid).addKeyValue(LogKeys.NSP, nsp);
  }

  /** Adds the session id, namespace, socket id and, when known, the user to one of notify's own lines. */
  LoggingEventBuilder about(LoggingEventBuilder line) {
    LoggingEventBuilder about = about(line, sid, nsp).addKeyValue(LogKeys.SOCKET, socket);
    String user = user();
    return user == null ? about : about.addKeyValue(LogKeys.USER, user);
  }

  /**
   * Runs the application's code for this socket with its ids in the MDC, then puts back what the MDC held: the
   * executor's threads are shared, and the code may run nested in another socket's (a direct executor).
   */
  <E extends Exception> void run(Body<E> body) throws E {
    String sidBefore = MDC.get(MDC_SID);
    String nspBefore = MDC.get(MDC_NSP);
    String socketBefore = MDC.get(MDC_SOCKET);
    String userBefore = MDC.get(MDC_USER);
    put(MDC_SID, sid);
    put(MDC_NSP, nsp);
    put(MDC_SOCKET, socket);
    put(MDC_USER, user());
    try {
      body.run();
    } finally {
      put(MDC_SID, sidBefore);
      put(MDC_NSP, nspBefore);
      put(MDC_SOCKET, socketBefore);
      put(MDC_USER, userBefore);
    }
  }

  /** The user id, when the socket's data holds a String or a number under {@value #USER_ID_KEY}. */
  private String user() {
    Map<String, Object> map = data.get();
    Object user = map == null ? null : map.get(USER_ID_KEY);
    return user instanceof String || user instanceof Number ? user.toString() : null;
  }

  private static void put(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
