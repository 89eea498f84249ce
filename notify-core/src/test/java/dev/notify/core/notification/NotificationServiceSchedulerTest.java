package dev.notify.core.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.server.NotifyServer;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A delivering service runs its background work on a scheduler the application gives, and leaves it running. */
class NotificationServiceSchedulerTest {

  private final NotifyServer io = NotifyServer.builder().build();
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void tearDown() {
    io.close();
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
  void aNullSchedulerIsRefusedWithItsName() {
    assertThatThrownBy(() -> NotificationService.builder().scheduler(null))
        .isInstanceOf(NullPointerException.class).hasMessage("scheduler");
  }
}
