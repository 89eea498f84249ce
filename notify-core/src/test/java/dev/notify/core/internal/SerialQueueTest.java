package dev.notify.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class SerialQueueTest {

  /** An executor that runs what it is given only when told to. */
  private static final class ManualExecutor implements Executor {
    final List<Runnable> waiting = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
      waiting.add(task);
    }

    void runAll() {
      while (!waiting.isEmpty()) {
        waiting.remove(0).run();
      }
    }
  }

  @Test
  void runOrSubmitRunsOnTheCallersThreadWhenNothingWaits() {
    ManualExecutor executor = new ManualExecutor();
    SerialQueue queue = new SerialQueue(executor, 10, "test");
    List<String> order = new ArrayList<>();

    assertThat(queue.runOrSubmit(() -> order.add(Thread.currentThread().getName()))).isTrue();

    assertThat(order).containsExactly(Thread.currentThread().getName());
    assertThat(executor.waiting).isEmpty();
  }

  @Test
  void runOrSubmitQueuesBehindWaitingTasksSoThatTheOrderHolds() {
    ManualExecutor executor = new ManualExecutor();
    SerialQueue queue = new SerialQueue(executor, 10, "test");
    List<Integer> order = new ArrayList<>();

    queue.submit(() -> order.add(1));
    queue.runOrSubmit(() -> order.add(2));
    assertThat(order).isEmpty();
    executor.runAll();

    assertThat(order).containsExactly(1, 2);
  }

  @Test
  void tasksSubmittedWhileAnInlineTaskRunsRunAfterIt() {
    ManualExecutor executor = new ManualExecutor();
    SerialQueue queue = new SerialQueue(executor, 10, "test");
    List<Integer> order = new ArrayList<>();

    queue.runOrSubmit(() -> {
      queue.runOrSubmit(() -> order.add(2)); // the queue is busy with this task: it waits
      order.add(1);
    });
    assertThat(order).containsExactly(1);
    executor.runAll();

    assertThat(order).containsExactly(1, 2);
  }

  @Test
  void aThrowingInlineTaskLeavesTheQueueUsable() {
    ManualExecutor executor = new ManualExecutor();
    SerialQueue queue = new SerialQueue(executor, 10, "test");
    List<Integer> order = new ArrayList<>();

    queue.runOrSubmit(() -> {
      throw new IllegalStateException("boom");
    });
    queue.runOrSubmit(() -> order.add(1));

    assertThat(order).containsExactly(1);
  }

  @Test
  void runOrSubmitRefusesPastTheCapacityWhileBusy() {
    ManualExecutor executor = new ManualExecutor();
    SerialQueue queue = new SerialQueue(executor, 1, "test");

    assertThat(queue.submit(() -> { })).isTrue();
    assertThat(queue.runOrSubmit(() -> { })).isFalse();
  }
}
