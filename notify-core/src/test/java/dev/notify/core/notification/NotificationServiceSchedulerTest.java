package dev.notify.core.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.server.NotifyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A service runs its timers on a scheduler the application gives, and leaves it running; without one, on a thread of
 * its own that {@code close()} ends.
 */
class NotificationServiceSchedulerTest {

  /** A wake-up message a sender sent to the other nodes, and the thread it was sent on. */
  private record Wake(Object[] args, Thread thread) {}

  private final List<Wake> wakes = new CopyOnWriteArrayList<>();
  private final NotifyServer io = NotifyServer.builder().build();
  /** The node a sender emits through: it records the messages for the other nodes instead of sending them. */
  private final NotifyServer senderNode = NotifyServer.builder()
      .adapter(namespace -> new InMemoryAdapter(namespace) {
        @Override
        public CompletableFuture<List<JsonNode>> serverSideEmit(Object[] args, boolean withAck,
            Duration timeout) {
          wakes.add(new Wake(args, Thread.currentThread()));
          return super.serverSideEmit(args, withAck, timeout);
        }
      })
      .build();
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void tearDown() {
    io.close();
    senderNode.close();
    scheduler.shutdownNow();
  }

  @Test
  void theGivenSchedulerRunsThePollerAndOutlivesTheService() {
    scheduler.setRemoveOnCancelPolicy(true);
    NotificationService service = NotificationService.builder().server(io).store(new InMemoryNotificationStore())
        .scheduler(scheduler).build();
    assertThat(scheduler.getQueue()).as("the queue poller").hasSize(1);

    service.close();

    assertThat(scheduler.getQueue()).as("the poller cancelled").isEmpty();
    assertThat(scheduler.isShutdown()).isFalse();
  }

  @Test
  void aSenderWakesTheNodesOnTheGivenSchedulerOnceForTheSendsOfTwoMilliseconds() throws Exception {
    ManualScheduler time = new ManualScheduler();
    try (NotificationService sender = NotificationService.builder().emitter(senderNode.of("/"))
        .store(new InMemoryNotificationStore()).scheduler(time).build()) {
      for (int i = 0; i < 3; i++) {
        sender.send("42", Notification.of("t", "title " + i, "message")).get(5, TimeUnit.SECONDS);
      }
      assertThat(wakes).as("before the 2 ms").isEmpty();

      time.advance(Duration.ofMillis(2));
      assertThat(wakes).as("one message for the three sends").hasSize(1);
      assertThat(wakes.get(0).args()).containsExactly(NotificationService.EVENT_WAKE);

      sender.send("42", Notification.of("t", "title 3", "message")).get(5, TimeUnit.SECONDS);
      time.advance(Duration.ofMillis(2));
      assertThat(wakes).as("a later send wakes them again").hasSize(2);
    }
  }

  @Test
  void withoutASchedulerASenderWakesTheNodesFromOneThreadOfItsOwnThatCloseEnds() throws Exception {
    NotificationService sender = NotificationService.builder().emitter(senderNode.of("/"))
        .store(new InMemoryNotificationStore()).build();
    for (int i = 0; i < 3; i++) {
      sender.send("42", Notification.of("t", "title " + i, "message")).get(5, TimeUnit.SECONDS);
      int sent = i + 1;
      await().atMost(Duration.ofSeconds(5)).until(() -> wakes.size() == sent);
    }

    // not a thread per wake-up (a delayed CompletableFuture task starts one on a machine of two cores or fewer)
    Thread timer = wakes.get(0).thread();
    assertThat(wakes).extracting(Wake::thread).containsOnly(timer);
    assertThat(timer.getName()).isEqualTo("notify-notifications");
    assertThat(timer.isDaemon()).isTrue();

    sender.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !timer.isAlive());
  }

  @Test
  void aNullSchedulerIsRefusedWithItsName() {
    assertThatThrownBy(() -> NotificationService.builder().scheduler(null))
        .isInstanceOf(NullPointerException.class).hasMessage("scheduler");
  }
}
