package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.notification.NotificationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  /** The merged calls made, each with its inputs, answered when the test says. */
  private final List<List<Integer>> calls = new ArrayList<>();
  private final List<CompletableFuture<List<String>>> answers = new ArrayList<>();

  private CompletableFuture<List<String>> call(List<Integer> inputs) {
    calls.add(inputs);
    CompletableFuture<List<String>> answer = new CompletableFuture<>();
    answers.add(answer);
    return answer;
  }

  private static List<String> echo(List<Integer> inputs) {
    return inputs.stream().map(i -> "r" + i).toList();
  }

  @Test
  void aLoneCallGoesOutAtOnceAndLaterOnesMergeWhileTheRunsAreOut() throws Exception {
    Coalescer<Integer, String> c = new Coalescer<>(3, 2, 100, () -> new NotificationException("busy"), this::call);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      results.add(c.submit(i));
    }
    assertThat(calls).containsExactly(List.of(0), List.of(1));

    answers.get(0).complete(echo(calls.get(0)));
    assertThat(calls).containsExactly(List.of(0), List.of(1), List.of(2, 3, 4));
    answers.get(1).complete(echo(calls.get(1)));
    answers.get(2).complete(echo(calls.get(2)));
    assertThat(calls).containsExactly(List.of(0), List.of(1), List.of(2, 3, 4), List.of(5, 6));
    answers.get(3).complete(echo(calls.get(3)));

    for (int i = 0; i < 7; i++) {
      assertThat(results.get(i)).isCompletedWithValue("r" + i);
    }
  }

  @Test
  void aFailedRunFailsEachOfItsCallersAndTheNextRunStillGoes() {
    Coalescer<Integer, String> c = new Coalescer<>(10, 1, 100, () -> new NotificationException("busy"), this::call);
    CompletableFuture<String> first = c.submit(1);
    CompletableFuture<String> second = c.submit(2);
    CompletableFuture<String> third = c.submit(3);

    answers.get(0).completeExceptionally(new NotificationException("Redis unreachable"));
    assertThat(first).isCompletedExceptionally();
    assertThat(calls).containsExactly(List.of(1), List.of(2, 3));
    answers.get(1).complete(echo(calls.get(1)));
    assertThat(second).isCompletedWithValue("r2");
    assertThat(third).isCompletedWithValue("r3");
  }

  @Test
  void aRunThatAnswersTheWrongNumberOfResultsFailsItsCallersInsteadOfGuessing() {
    Coalescer<Integer, String> c = new Coalescer<>(10, 1, 100, () -> new NotificationException("busy"), this::call);
    c.submit(1);
    CompletableFuture<String> a = c.submit(2);
    CompletableFuture<String> b = c.submit(3);
    answers.get(0).complete(List.of("r1"));

    answers.get(1).complete(List.of("only one"));

    assertThat(a).isCompletedExceptionally();
    assertThat(b).isCompletedExceptionally();
  }

  @Test
  void pastItsCapacityCallsFailAtOnceWithTheReason() {
    Coalescer<Integer, String> c = new Coalescer<>(10, 1, 2, () -> new NotificationException("busy"), this::call);
    c.submit(0); // out, not waiting
    c.submit(1);
    c.submit(2);

    CompletableFuture<String> refused = c.submit(3);

    assertThat(refused).isCompletedExceptionally();
    assertThat(cause(refused)).isInstanceOf(NotificationException.class).hasMessageContaining("busy");
    answers.get(0).complete(List.of("r0"));
    assertThat(calls).containsExactly(List.of(0), List.of(1, 2));
    assertThat(c.submit(4)).isNotCompletedExceptionally();
  }

  @Test
  void aCallThatThrowsFailsItsCallersAndDoesNotStopTheNextOnes() {
    boolean[] fail = {true};
    Coalescer<Integer, String> c = new Coalescer<>(10, 1, 100, () -> new NotificationException("busy"), inputs -> {
      if (fail[0]) {
        throw new IllegalStateException("boom");
      }
      return CompletableFuture.completedFuture(echo(inputs));
    });
    CompletableFuture<String> thrown = c.submit(1);
    fail[0] = false;

    assertThat(cause(thrown)).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(c.submit(2)).isCompletedWithValue("r2");
  }

  private static Throwable cause(CompletableFuture<?> future) {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
