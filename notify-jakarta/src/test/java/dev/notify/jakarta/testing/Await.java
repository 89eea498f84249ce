package dev.notify.jakarta.testing;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deadlines for things that normally take milliseconds. Generous, because the build machine is small and shared:
 * a deadline only bounds how long a broken test hangs, it never decides a passing one.
 */
public final class Await {

  /** How long anything in these tests may take. */
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  private Await() {
  }

  /** The value of a future, failing the test when it fails or is not done within {@link #DEADLINE}. */
  public static <T> T result(CompletionStage<T> stage) {
    return result(stage, DEADLINE);
  }

  /** The value of a future, failing the test when it fails or is not done within {@code deadline}. */
  public static <T> T result(CompletionStage<T> stage, Duration deadline) {
    try {
      return stage.toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected a result, the future failed with " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Why a future failed, failing the test when it succeeds or is not done within {@link #DEADLINE}. */
  public static Throwable failure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, the future completed with " + value);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    } catch (TimeoutException e) {
      throw new AssertionError("no failure within " + DEADLINE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
