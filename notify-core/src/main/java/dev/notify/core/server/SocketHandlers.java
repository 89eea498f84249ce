package dev.notify.core.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the application registered on one socket (event handlers, catch-all handlers, event middlewares, disconnect
 * and error handlers) and their invocation. Copied on write, read without locks: a handler added or removed while
 * an event is dispatched takes effect from the next event. A handler that throws is logged; the others still run.
 * Every handler and middleware runs with the socket's {@link LogContext} in the MDC. Thread-safe.
 */
final class SocketHandlers {

  private static final Logger log = LoggerFactory.getLogger(ServerSocket.class);

  /** One immutable set of registrations. */
  private record Registry(Map<String, List<EventHandler>> events, List<AnyEventHandler> any,
      List<EventMiddleware> middlewares, List<Consumer<DisconnectReason>> disconnecting,
      List<Consumer<DisconnectReason>> disconnect, List<Consumer<Throwable>> error) {
    static final Registry EMPTY = new Registry(Map.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  }

  private final AtomicReference<Registry> registry = new AtomicReference<>(Registry.EMPTY);
  private final LogContext context;

  SocketHandlers(LogContext context) {
    this.context = context;
  }

  // ---- registration ----

  void on(String event, EventHandler handler) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(handler, "handler");
    update(r -> new Registry(withEvent(r.events(), event, handler), r.any(), r.middlewares(), r.disconnecting(),
        r.disconnect(), r.error()));
  }

  /** Removes {@code handler} from {@code event}, or every handler of it when {@code handler} is {@code null}. */
  void off(String event, EventHandler handler) {
    update(r -> new Registry(withoutEvent(r.events(), event, handler), r.any(), r.middlewares(), r.disconnecting(),
        r.disconnect(), r.error()));
  }

  void onAny(AnyEventHandler handler) {
    Objects.requireNonNull(handler, "handler");
    update(r -> new Registry(r.events(), append(r.any(), handler), r.middlewares(), r.disconnecting(),
        r.disconnect(), r.error()));
  }

  void offAny(AnyEventHandler handler) {
    update(r -> new Registry(r.events(), remove(r.any(), handler), r.middlewares(), r.disconnecting(),
        r.disconnect(), r.error()));
  }

  void use(EventMiddleware middleware) {
    Objects.requireNonNull(middleware, "middleware");
    update(r -> new Registry(r.events(), r.any(), append(r.middlewares(), middleware), r.disconnecting(),
        r.disconnect(), r.error()));
  }

  void onDisconnecting(Consumer<DisconnectReason> handler) {
    Objects.requireNonNull(handler, "handler");
    update(r -> new Registry(r.events(), r.any(), r.middlewares(), append(r.disconnecting(), handler),
        r.disconnect(), r.error()));
  }

  void onDisconnect(Consumer<DisconnectReason> handler) {
    Objects.requireNonNull(handler, "handler");
    update(r -> new Registry(r.events(), r.any(), r.middlewares(), r.disconnecting(),
        append(r.disconnect(), handler), r.error()));
  }

  void onError(Consumer<Throwable> handler) {
    Objects.requireNonNull(handler, "handler");
    update(r -> new Registry(r.events(), r.any(), r.middlewares(), r.disconnecting(), r.disconnect(),
        append(r.error(), handler)));
  }

  private void update(UnaryOperator<Registry> change) {
    registry.updateAndGet(change);
  }

  // ---- invocation ----

  /**
   * Runs the event middlewares on {@code executor}, then, if they let the event through, the catch-all handlers
   * and the event's handlers; a middleware's refusal or failure goes to the error handlers.
   */
  void dispatch(String event, Args args, Ack ack, Executor executor) {
    List<EventMiddleware> middlewares = registry.get().middlewares();
    if (middlewares.isEmpty()) {
      invoke(event, args, ack);
      return;
    }
    MiddlewareChain.run(middlewares, (m, next) -> context.run(() -> m.handle(event, args, next)), executor,
        new MiddlewareChain.Outcome() {
          @Override
          public void accepted() {
            invoke(event, args, ack);
          }

          @Override
          public void rejected(String message, Object data) {
            fireError(new MiddlewareException(message, data));
          }

          @Override
          public void failed(Exception error) {
            context.about(log.atWarn()).setCause(error).log("event middleware threw on '{}'", event);
            fireError(error);
          }
        });
  }

  private void invoke(String event, Args args, Ack ack) {
    Registry r = registry.get();
    context.run(() -> {
      for (AnyEventHandler any : r.any()) {
        try {
          any.handle(event, args);
        } catch (Exception e) {
          context.about(log.atWarn()).setCause(e).log("onAny handler threw on '{}'", event);
        }
      }
      for (EventHandler handler : r.events().getOrDefault(event, List.of())) {
        try {
          handler.handle(args, ack);
        } catch (Exception e) {
          context.about(log.atWarn()).setCause(e).log("handler of '{}' threw", event);
        }
      }
    });
  }

  void fireError(Throwable error) {
    context.run(() -> {
      for (Consumer<Throwable> handler : registry.get().error()) {
        try {
          handler.accept(error);
        } catch (RuntimeException e) {
          context.about(log.atWarn()).setCause(e).log("error handler threw");
        }
      }
    });
  }

  /** The disconnecting handlers, then {@code between}, then the disconnect handlers registered before it ran. */
  void fireDisconnect(DisconnectReason reason, Runnable between) {
    Registry r = registry.get();
    context.run(() -> run(r.disconnecting(), reason, "disconnecting"));
    between.run();
    context.run(() -> run(r.disconnect(), reason, "disconnect"));
  }

  private void run(List<Consumer<DisconnectReason>> handlers, DisconnectReason reason, String kind) {
    for (Consumer<DisconnectReason> handler : handlers) {
      try {
        handler.accept(reason);
      } catch (RuntimeException e) {
        context.about(log.atWarn()).setCause(e).log("{} handler threw", kind);
      }
    }
  }

  private static Map<String, List<EventHandler>> withEvent(Map<String, List<EventHandler>> events, String event,
      EventHandler handler) {
    Map<String, List<EventHandler>> map = new HashMap<>(events);
    map.put(event, append(events.getOrDefault(event, List.of()), handler));
    return Map.copyOf(map);
  }

  private static Map<String, List<EventHandler>> withoutEvent(Map<String, List<EventHandler>> events, String event,
      EventHandler handler) {
    Map<String, List<EventHandler>> map = new HashMap<>(events);
    List<EventHandler> left = handler == null ? List.of() : remove(events.getOrDefault(event, List.of()), handler);
    if (left.isEmpty()) {
      map.remove(event);
    } else {
      map.put(event, left);
    }
    return Map.copyOf(map);
  }

  private static <T> List<T> append(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(element);
    return List.copyOf(copy);
  }

  private static <T> List<T> remove(List<T> list, T element) {
    List<T> copy = new ArrayList<>(list);
    copy.remove(element);
    return List.copyOf(copy);
  }
}
