package dev.notify.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.cdi.apps.BuilderProducer;
import dev.notify.cdi.apps.News;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The application's {@code @Produces NotifyServer.Builder} is the base; the {@code notify.*} settings override it. */
class ProducedBuilderIT {

  @Test
  void theServerIsBuiltFromTheProducedBuilderWithTheSettingsOverIt() throws Exception {
    try (CdiApp app = CdiApp.start(Set.of(BuilderProducer.class, News.class), Map.of("notify.ping-timeout", "3s"),
        "/from-builder/")) {
      HttpResponse<String> response = Http.handshake(app.port(), "/from-builder/", "http://127.0.0.1:" + app.port());
      assertThat(response.statusCode()).isEqualTo(200);
      // pingInterval from the builder, pingTimeout from the configuration
      assertThat(response.body()).contains("\"pingInterval\":7000", "\"pingTimeout\":3000");
      try (Clients.Client client = Clients.connect(app.port(), "/from-builder/")) {
        assertThat(client.call("echo", "built")).containsExactly("built");
      }
    }
  }
}
