package dev.notify.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A broadcast's deliveries reported at once, to recorders that count them at once or one by one. */
class NotifyMetricsTest {

  @Test
  void aRecorderThatCountsOneByOneSeesEachDeliveryOfABroadcast() {
    List<String> seen = new ArrayList<>();
    NotifyMetrics oneByOne = new NotifyMetrics() {
      @Override
      public void eventSent(String namespace) {
        seen.add(namespace);
      }
    };

    oneByOne.eventsSent("/chat", 3);

    assertThat(seen).containsExactly("/chat", "/chat", "/chat");
  }

  @Test
  void theFanOutHandsTheCountToEveryRecorderOnce() {
    List<String> seen = new ArrayList<>();
    NotifyMetrics atOnce = new NotifyMetrics() {
      @Override
      public void eventsSent(String namespace, int count) {
        seen.add("at once " + namespace + " " + count);
      }
    };
    NotifyMetrics oneByOne = new NotifyMetrics() {
      @Override
      public void eventSent(String namespace) {
        seen.add("one " + namespace);
      }
    };

    NotifyMetrics.of(atOnce, oneByOne).eventsSent("/", 2);

    assertThat(seen).containsExactly("at once / 2", "one /", "one /");
  }
}
