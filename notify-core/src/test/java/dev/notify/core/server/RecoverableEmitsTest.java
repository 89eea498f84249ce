package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recoverable events go out once the {@link RecoveryStore} gave their offset, asynchronously, in the order they were
 * emitted whatever the order of the answers; an event the store could not keep (a shared store whose Redis is
 * down, a failure, no answer in time) is still sent, without an offset, so clients see exactly the arguments
 * emitted.
 */
class RecoverableEmitsTest {

  /** Answers each append with the future {@link #answer} makes, and records the events and their futures. */
  private static final class ScriptedStore implements RecoveryStore {
    volatile Function<String, CompletableFuture<String>> answer = event -> new CompletableFuture<>();
    final List<String> appended = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<String>> answers = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<String> append(String namespace, BroadcastOptions targets, String event,
        Object[] args) {
      appended.add(event);
      CompletableFuture<String> future = answer.apply(event);
      answers.add(future);
      return future;
    }

    @Override
    public CompletableFuture<Void> saveSession(Session session, Duration ttl) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Session> takeSession(String namespace, String pid) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<Missed>> missedSince(String namespace, String offset, Set<String> rooms) {
      return CompletableFuture.completedFuture(null);
    }
  }

  private final ScriptedStore store = new ScriptedStore();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final NotifyServer io = NotifyServer.builder()
      .executor(Runnable::run)
      .scheduler(scheduler)
      .connectionStateRecovery(Duration.ofMinutes(2))
      .recoveryStore(store)
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void aBroadcastTheStoreCouldNotKeepIsSentWithoutAnOffset() {
    InMemoryClient client = InMemoryClient.connect(io);

    store.answer = event -> CompletableFuture.completedFuture(event.equals("kept") ? "1-0" : null);
    io.emit("unkept", 1);
    io.emit("kept", 2);

    assertThat(store.appended).containsExactly("unkept", "kept");
    assertThat(client.events()).containsExactly("42[\"unkept\",1]", "42[\"kept\",2,\"1-0\"]");
  }

  @Test
  void aSocketEmitTheStoreCouldNotKeepIsSentWithoutAnOffset() {
    InMemoryClient client = InMemoryClient.connect(io);

    store.answer = event -> CompletableFuture.completedFuture(event.equals("kept") ? "2-0" : null);
    client.socket.emit("unkept", "a");
    client.socket.emit("kept", "b");

    assertThat(client.events()).containsExactly("42[\"unkept\",\"a\"]", "42[\"kept\",\"b\",\"2-0\"]");
  }

  @Test
  void offsetsAnsweredOutOfOrderStillSendTheEventsInTheOrderEmitted() {
    InMemoryClient client = InMemoryClient.connect(io);
    io.emit("a");
    client.socket.emit("b");
    io.emit("c");

    store.answers.get(2).complete("3-0");
    store.answers.get(1).complete("2-0");
    assertThat(client.events()).as("nothing passes the first event, still without offset").isEmpty();

    store.answers.get(0).complete("1-0");
    assertThat(client.events()).containsExactly("42[\"a\",\"1-0\"]", "42[\"b\",\"2-0\"]", "42[\"c\",\"3-0\"]");
  }

  @Test
  void aFailedOrThrowingAppendSendsTheEventWithoutOffsetAndTheNextOnesFollow() {
    InMemoryClient client = InMemoryClient.connect(io);
    store.answer = event -> switch (event) {
      case "failed" -> CompletableFuture.failedFuture(new IllegalStateException("store down"));
      case "thrown" -> throw new IllegalStateException("store bug");
      default -> CompletableFuture.completedFuture("9-0");
    };

    io.emit("failed", 1);
    io.emit("thrown", 2);
    io.emit("kept", 3);

    assertThat(client.events()).containsExactly("42[\"failed\",1]", "42[\"thrown\",2]", "42[\"kept\",3,\"9-0\"]");
  }

  @Test
  void anOffsetNotGivenInTimeSendsTheEventWithoutOneAndReleasesThoseBehindIt() {
    InMemoryClient client = InMemoryClient.connect(io);
    io.emit("slow");
    store.answer = event -> CompletableFuture.completedFuture("2-0");
    io.emit("next");

    scheduler.advance(Duration.ofMillis(RecoverableEmits.APPEND_TIMEOUT_MILLIS - 1));
    assertThat(client.events()).isEmpty();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(client.events()).containsExactly("42[\"slow\"]", "42[\"next\",\"2-0\"]");
    store.answers.get(0).complete("1-0");
    assertThat(client.events()).as("a late answer changes nothing").hasSize(2);
  }

  @Test
  void theArgumentsAreTakenWhenEmittedNotWhenSent() {
    InMemoryClient client = InMemoryClient.connect(io);
    Object[] args = {"before"};
    io.emit("e", args);
    args[0] = "after";

    store.answers.get(0).complete("1-0");

    assertThat(client.events()).containsExactly("42[\"e\",\"before\",\"1-0\"]");
  }

  @Test
  void volatileEventsAreNeitherKeptNorHeldBack() {
    InMemoryClient client = InMemoryClient.connect(io);
    io.emit("kept");
    io.asVolatile().emit("dropped-if-busy");

    assertThat(store.appended).containsExactly("kept");
    assertThat(client.events()).containsExactly("42[\"dropped-if-busy\"]");
  }
}
