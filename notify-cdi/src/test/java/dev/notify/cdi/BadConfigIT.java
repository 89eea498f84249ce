package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.notify.cdi.apps.FailingHandlers;
import dev.notify.cdi.apps.News;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A {@code notify.*} setting the server refuses stops the application's startup with a message naming it; so does a
 * {@code NotifyStarting} observer that throws, and the server it was given is closed.
 */
class BadConfigIT {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "notify.ping-interval     | -1s               | notify.ping-interval must be > 0",
      "notify.ping-timeout      | soon              | notify.ping-timeout must be a duration such as 25s",
      "notify.max-payload       | lots              | notify.max-payload must be an integer, was 'lots'",
      "notify.transports        | polling,pigeon    | notify.transports must be a non-empty subset",
      "notify.allow-credentials | yes               | notify.allow-credentials must be true or false",
      "notify.path              | live              | notify.path must start and end with '/'",
      "notify.redis.url         | http://nope:6379  | notify.redis.url must start with redis://",
  })
  void theStartupFailsNamingTheProperty(String property, String value, String message) {
    Throwable failure = catchThrowable(() -> CdiApp.start(Set.of(News.class), Map.of(property, value)).close());

    assertThat(failure).as("the startup with %s=%s", property, value).isNotNull();
    assertThat(messages(failure)).anySatisfy(m -> assertThat(m).startsWith(message));
  }

  @Test
  void aHandlerObserverThatThrowsFailsTheStartupAndTheServerIsClosed() {
    NewThreads threads = new NewThreads();
    Throwable failure = catchThrowable(() -> CdiApp.start(Set.of(FailingHandlers.class), Map.of()).close());

    assertThat(failure).as("the startup").isNotNull();
    assertThat(messages(failure)).contains("the handlers' database is down");
    await().atMost(ShutdownIT.THREADS_END).untilAsserted(() -> assertThat(threads.names()).isEmpty());
  }

  /** The messages of a failure and its causes: the container wraps the deployment's own. */
  private static List<String> messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }
}
