package dev.notify.core.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.server.NotifyServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A service either delivers on a server or only sends, and says so when it is asked for both or neither. */
class NotificationServiceRolesTest {

  private final NotifyServer io = NotifyServer.builder().build();

  @AfterEach
  void tearDown() {
    io.close();
  }

  @Test
  void aServerPassedAsEmitterIsRefusedWithTheMethodToUse() {
    assertThatThrownBy(() -> NotificationService.builder().emitter(io))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server(io)");
  }

  @Test
  void bothRolesOrNoneAreRefused() {
    assertThatThrownBy(() -> NotificationService.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("server(io) or emitter(...) is required");
    assertThatThrownBy(() -> NotificationService.builder().server(io).emitter(io.of("/")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exclude each other");
  }

  @Test
  void aSenderOnlyStoresAndCannotAskWhoIsInARoom() throws Exception {
    InMemoryNotificationStore store = new InMemoryNotificationStore();
    try (NotificationService sender = NotificationService.builder().emitter(io.of("/")).store(store).build()) {
      NotificationId id = sender.send("42", Notification.of("t", "title", "message")).get(5, TimeUnit.SECONDS);

      assertThat(store.queueDepth()).isEqualTo(1);
      assertThat(sender.inbox("42", null, 10).get(5, TimeUnit.SECONDS).items()).extracting(StoredNotification::id)
          .containsExactly(id);
      assertThatThrownBy(() -> sender.sendToRoom("room", Notification.of("t", "title", "message")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("server(io)");
    }
  }
}
