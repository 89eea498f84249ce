package dev.notify.core.internal.polling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.server.EngineOptions;
import dev.notify.core.internal.engine.EngineRequest;
import dev.notify.core.internal.engine.EngineServer;
import dev.notify.core.internal.engine.EngineSession;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the long-polling transport answers a waiting or late poll when its session closes or upgrades. */
class PollingTransportTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final EngineServer engine = new EngineServer(EngineOptions.builder().build(), scheduler,
      session -> new EngineSession.Listener() {
        @Override
        public void onMessage(EngineSession s, String text) {
        }

        @Override
        public void onMessage(EngineSession s, byte[] data) {
        }

        @Override
        public void onClose(EngineSession s, CloseReason reason) {
        }
      });
  private PollingTransport polling;

  @BeforeEach
  void open() {
    polling = new PollingTransport(-1);
    EngineSession session = engine.open(polling, new EngineRequest(Map.of(),
        Map.of("EIO", "4", "transport", "polling"), "127.0.0.1", "/socket.io/?EIO=4&transport=polling", false));
    polling.attach(session);
    Poll handshake = new Poll();
    polling.onGet(handshake);
    assertThat(handshake.body).startsWith("0{");
  }

  @AfterEach
  void stop() {
    engine.close();
    scheduler.shutdownNow();
  }

  @Test
  void aPollStillWaitingWhenTheSessionUpgradesIsRefusedAsABadRequest() {
    Poll waiting = new Poll();
    polling.onGet(waiting);
    assertThat(waiting.status).as("waits for data").isZero();

    polling.discard();

    assertThat(waiting.status).isEqualTo(400);
    assertThat(waiting.body).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
  }

  @Test
  void aPollThatFindsTheTransportClosedByTheClientGetsTheNoop() {
    polling.close(CloseReason.TRANSPORT_CLOSE);
    assertThat(polling.closeAnswered()).isFalse();

    Poll late = new Poll();
    polling.onGet(late);

    assertThat(late.status).isEqualTo(200);
    assertThat(late.body).isEqualTo("6");
    assertThat(polling.closeAnswered()).isTrue();
  }

  /** The race of ContainerHttpErrorsIT: one late poll found the session, the next came through the lingering map. */
  @Test
  void onlyOnePollAfterTheCloseGetsTheAnswerWhicheverPathItTakes() {
    polling.close(CloseReason.TRANSPORT_CLOSE);
    Poll late = new Poll();
    polling.onGet(late);
    Poll later = new Poll();
    Poll lingering = new Poll();

    polling.onGet(later);
    boolean answered = polling.answerPollAfterClientClose(lingering);

    assertThat(late.body).isEqualTo("6");
    assertThat(later.status).isEqualTo(400);
    assertThat(later.body).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(answered).isFalse();
    assertThat(lingering.status).as("left to the caller to refuse").isZero();
  }

  /** The session is gone from the server while it still closes its transport: the poll must get the noop. */
  @Test
  void aPollForASessionGoneButNotYetClosedGetsTheNoopAndTheCloseReleasesNothingMore() {
    Poll lingering = new Poll();
    assertThat(polling.answerPollAfterClientClose(lingering)).isTrue();
    polling.close(CloseReason.TRANSPORT_CLOSE);
    Poll later = new Poll();
    polling.onGet(later);

    assertThat(lingering.body).isEqualTo("6");
    assertThat(later.status).isEqualTo(400);
  }

  @Test
  void aPollReleasedByTheCloseLeavesNoAnswerForALaterPoll() {
    Poll waiting = new Poll();
    polling.onGet(waiting);
    polling.close(CloseReason.TRANSPORT_CLOSE);

    assertThat(polling.answerPollAfterClientClose(new Poll())).isFalse();
    assertThat(waiting.body).isEqualTo("6");
  }

  @Test
  void aPollThatFindsTheTransportClosedByTheServerGetsTheClosePacket() {
    polling.close(CloseReason.PING_TIMEOUT);

    Poll late = new Poll();
    polling.onGet(late);

    assertThat(late.body).isEqualTo("1");
  }

  @Test
  void aPollWaitingWhenTheClientClosesIsReleasedWithTheNoop() {
    Poll waiting = new Poll();
    polling.onGet(waiting);

    polling.close(CloseReason.TRANSPORT_CLOSE);

    assertThat(waiting.body).isEqualTo("6");
    assertThat(polling.closeAnswered()).isTrue();
  }

  /** A GET whose response is recorded. */
  private static final class Poll extends HttpExchange {
    int status;
    String body;

    @Override
    protected String method() {
      return "GET";
    }

    @Override
    protected String header(String name) {
      return null;
    }

    @Override
    protected Iterable<String> headerNames() {
      return List.of();
    }

    @Override
    protected Iterable<String> headerValues(String name) {
      return List.of();
    }

    @Override
    protected String queryString() {
      return "EIO=4&transport=polling";
    }

    @Override
    protected String requestUri() {
      return "/socket.io/";
    }

    @Override
    protected String peerAddress() {
      return "127.0.0.1";
    }

    @Override
    protected boolean secure() {
      return false;
    }

    @Override
    protected long contentLength() {
      return 0;
    }

    @Override
    protected InputStream body() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    protected void setHeader(String name, String value) {
    }

    @Override
    protected void startLongPoll(Runnable onGone) {
    }

    @Override
    protected void write(int status, String contentType, byte[] body) {
      this.status = status;
      this.body = new String(body, StandardCharsets.UTF_8);
    }
  }
}
