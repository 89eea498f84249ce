package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The registry of one socket's handlers and their invocation, without a server. */
class SocketHandlersTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SocketHandlers handlers = new SocketHandlers(new LogContext("sid1", "/", "s1", () -> null));
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private void dispatch(String event, String json) throws Exception {
    handlers.dispatch(event, Args.of(MAPPER.readTree("[\"" + event + "\"," + json + "]"), 1, MAPPER), Ack.NONE,
        Runnable::run);
  }

  @Test
  void catchAllHandlersRunFirstThenTheEventsHandlersInRegistrationOrder() throws Exception {
    handlers.on("chat", (args, ack) -> calls.add("first " + args.getString(0)));
    handlers.onAny((event, args) -> calls.add("any " + event));
    handlers.on("chat", (args, ack) -> calls.add("second"));
    handlers.on("other", (args, ack) -> calls.add("other"));

    dispatch("chat", "\"hi\"");

    assertThat(calls).containsExactly("any chat", "first hi", "second");
  }

  @Test
  void aThrowingHandlerIsLoggedAndTheOthersStillRun() throws Exception {
    handlers.onAny((event, args) -> {
      throw new IllegalStateException("any broke");
    });
    handlers.on("e", (args, ack) -> {
      throw new IllegalStateException("handler broke");
    });
    handlers.on("e", (args, ack) -> calls.add("ran"));

    dispatch("e", "1");

    assertThat(calls).containsExactly("ran");
  }

  @Test
  void offRemovesOneHandlerOrEveryHandlerOfTheEvent() throws Exception {
    EventHandler one = (args, ack) -> calls.add("one");
    AnyEventHandler any = (event, args) -> calls.add("any");
    handlers.on("e", one);
    handlers.on("e", (args, ack) -> calls.add("two"));
    handlers.onAny(any);

    handlers.off("e", one);
    handlers.offAny(any);
    dispatch("e", "1");
    handlers.off("e", null);
    dispatch("e", "2");

    assertThat(calls).containsExactly("two");
  }

  @Test
  void aHandlerAddedWhileAnEventIsDispatchedRunsFromTheNextEvent() throws Exception {
    handlers.on("e", (args, ack) -> {
      calls.add("outer " + args.get(0).asInt());
      handlers.on("e", (a, k) -> calls.add("added " + a.get(0).asInt()));
    });

    dispatch("e", "1");
    dispatch("e", "2");

    assertThat(calls).startsWith("outer 1", "outer 2", "added 2");
  }

  @Test
  void aMiddlewaresRefusalGoesToTheErrorHandlersAndNoHandlerRuns() throws Exception {
    handlers.use((event, args, next) -> {
      if (event.equals("forbidden")) {
        next.reject("not allowed", "why");
      } else {
        next.accept();
      }
    });
    handlers.on("forbidden", (args, ack) -> calls.add("forbidden ran"));
    handlers.on("allowed", (args, ack) -> calls.add("allowed ran"));
    handlers.onError(error -> calls.add(error.getClass().getSimpleName() + ": " + error.getMessage() + " "
        + ((MiddlewareException) error).data()));

    dispatch("forbidden", "1");
    dispatch("allowed", "1");

    assertThat(calls).containsExactly("MiddlewareException: not allowed why", "allowed ran");
  }

  @Test
  void disconnectingHandlersRunBeforeTheCleanupAndDisconnectHandlersAfterIt() {
    handlers.onDisconnect(reason -> calls.add("disconnect " + reason));
    handlers.onDisconnecting(reason -> {
      throw new IllegalStateException("broken handler");
    });
    handlers.onDisconnecting(reason -> calls.add("disconnecting " + reason));

    handlers.fireDisconnect(DisconnectReason.TRANSPORT_CLOSE, () -> calls.add("cleanup"));

    assertThat(calls).containsExactly("disconnecting transport close", "cleanup", "disconnect transport close");
  }
}
