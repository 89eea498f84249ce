package dev.notify.core.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Namespaces created on demand, as Socket.IO's {@code io.of(/regex/)}: the first client to ask for a name the
 * predicate accepts creates that namespace, which runs these middlewares and connection handlers (before its
 * own). Get one with {@link NotifyServer#of(java.util.regex.Pattern)} or {@link NotifyServer#of(Predicate)};
 * reach a child with {@link NotifyServer#of(String)}. Thread-safe.
 */
public final class DynamicNamespace {

  private final Predicate<String> matcher;
  private final String description;
  private final List<ConnectionMiddleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();

  /** @param description the pattern, or {@code null} for a predicate */
  DynamicNamespace(Predicate<String> matcher, String description) {
    this.matcher = matcher;
    this.description = description;
  }

  /** What metrics call its children: its pattern, or {@code "dynamic"} for a predicate. */
  String metricsName() {
    return description != null ? description : "dynamic";
  }

  /** Whether a namespace of that name belongs here. */
  public boolean matches(String name) {
    return matcher.test(name);
  }

  /** Adds a connection middleware for every child namespace. */
  public DynamicNamespace use(ConnectionMiddleware middleware) {
    middlewares.add(Objects.requireNonNull(middleware, "middleware"));
    return this;
  }

  /** Runs for each socket that connected to a child namespace; {@code socket.namespace()} tells which. */
  public DynamicNamespace onConnection(Consumer<Socket> handler) {
    connectionHandlers.add(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  List<ConnectionMiddleware> middlewares() {
    return middlewares;
  }

  List<Consumer<Socket>> connectionHandlers() {
    return connectionHandlers;
  }

  @Override
  public String toString() {
    return "DynamicNamespace{" + metricsName() + '}';
  }
}
