package dev.notify.core.server;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs middlewares in order. Each gets a {@link Next}; one that answers at once continues the chain on the same
 * thread, one that answers later continues it on the connection's executor.
 */
final class MiddlewareChain<M> {

  /** Calls one middleware. */
  interface Invoker<M> {
    void invoke(M middleware, Next next) throws Exception;
  }

  /** What the chain ends with. */
  interface Outcome {
    void accepted();

    void rejected(String message, Object data);

    void failed(Exception error);
  }

  private static final int PENDING = 0;
  private static final int ACCEPTED = 1;
  private static final int REJECTED = 2;
  private static final int ASYNC = 3;
  private static final int DONE = 4;

  private final List<M> middlewares;
  private final Invoker<M> invoker;
  private final Executor executor;
  private final Outcome outcome;

  private MiddlewareChain(List<M> middlewares, Invoker<M> invoker, Executor executor, Outcome outcome) {
    this.middlewares = middlewares;
    this.invoker = invoker;
    this.executor = executor;
    this.outcome = outcome;
  }

  static <M> void run(List<M> middlewares, Invoker<M> invoker, Executor executor, Outcome outcome) {
    new MiddlewareChain<>(middlewares, invoker, executor, outcome).proceed(0);
  }

  private void proceed(int from) {
    for (int i = from; i < middlewares.size(); i++) {
      Step step = new Step(i);
      try {
        invoker.invoke(middlewares.get(i), step);
      } catch (Exception e) {
        if (step.state.getAndSet(DONE) != DONE) {
          outcome.failed(e);
        }
        return;
      }
      if (step.state.compareAndSet(PENDING, ASYNC)) {
        return;
      }
      if (step.state.get() == REJECTED) {
        outcome.rejected(step.message, step.data);
        return;
      }
    }
    outcome.accepted();
  }

  private final class Step implements Next {
    final AtomicInteger state = new AtomicInteger(PENDING);
    final int index;
    String message;
    Object data;

    Step(int index) {
      this.index = index;
    }

    @Override
    public void accept() {
      if (state.compareAndSet(PENDING, ACCEPTED)) {
        return;
      }
      if (state.compareAndSet(ASYNC, DONE)) {
        executor.execute(() -> proceed(index + 1));
      }
    }

    @Override
    public void reject(String message, Object data) {
      this.message = message;
      this.data = data;
      if (state.compareAndSet(PENDING, REJECTED)) {
        return;
      }
      if (state.compareAndSet(ASYNC, DONE)) {
        executor.execute(() -> outcome.rejected(message, data));
      }
    }
  }
}
