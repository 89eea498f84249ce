package dev.notify.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.EngineOptions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Request checks, the handshake's open packet, and shutdown of {@link EngineServer}. */
class EngineServerTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingListener listener = new RecordingListener();
  private EngineServer server = server(EngineOptions.builder().build());

  private EngineServer server(EngineOptions options) {
    return new EngineServer(options, scheduler, session -> listener);
  }

  // ---- check ----

  static Stream<Arguments> handshakes() {
    return Stream.of(
        Arguments.of("polling GET", "/engine.io/?EIO=4&transport=polling", "GET", false, null),
        Arguments.of("websocket upgrade", "/engine.io/?EIO=4&transport=websocket", "GET", true, null),
        Arguments.of("no transport", "/engine.io/?EIO=4", "GET", false, RequestError.UNKNOWN_TRANSPORT),
        Arguments.of("unknown transport", "/engine.io/?EIO=4&transport=flashsocket", "GET", false,
            RequestError.UNKNOWN_TRANSPORT),
        Arguments.of("webtransport", "/engine.io/?EIO=4&transport=webtransport", "GET", false,
            RequestError.UNKNOWN_TRANSPORT),
        Arguments.of("no EIO", "/engine.io/?transport=polling", "GET", false,
            RequestError.UNSUPPORTED_PROTOCOL_VERSION),
        Arguments.of("EIO=3", "/engine.io/?EIO=3&transport=polling", "GET", false,
            RequestError.UNSUPPORTED_PROTOCOL_VERSION),
        Arguments.of("EIO=5", "/engine.io/?EIO=5&transport=websocket", "GET", true,
            RequestError.UNSUPPORTED_PROTOCOL_VERSION),
        Arguments.of("empty EIO", "/engine.io/?EIO=&transport=polling", "GET", false,
            RequestError.UNSUPPORTED_PROTOCOL_VERSION),
        Arguments.of("unknown sid", "/engine.io/?EIO=4&transport=polling&sid=nope", "GET", false,
            RequestError.UNKNOWN_SID),
        Arguments.of("unknown sid on upgrade", "/engine.io/?EIO=4&transport=websocket&sid=nope", "GET", true,
            RequestError.UNKNOWN_SID),
        Arguments.of("POST handshake", "/engine.io/?EIO=4&transport=polling", "POST", false,
            RequestError.BAD_HANDSHAKE_METHOD),
        Arguments.of("PUT handshake", "/engine.io/?EIO=4&transport=polling", "PUT", false,
            RequestError.BAD_HANDSHAKE_METHOD),
        Arguments.of("websocket without upgrade", "/engine.io/?EIO=4&transport=websocket", "GET", false,
            RequestError.BAD_REQUEST),
        Arguments.of("polling with upgrade", "/engine.io/?EIO=4&transport=polling", "GET", true,
            RequestError.BAD_REQUEST));
  }

  @ParameterizedTest(name = "{0} -> {4}")
  @MethodSource("handshakes")
  void checkAnswersEachHandshakeAsTheSpecSays(String name, String url, String method, boolean upgrade,
      RequestError expected) {
    assertThat(server.check(TestRequests.request(url), method, upgrade)).isEqualTo(expected);
  }

  @Test
  void checkRefusesATransportTheOptionsDisable() {
    server = server(EngineOptions.builder().transports("websocket").build());

    assertThat(server.check(TestRequests.handshake("polling"), "GET", false)).isEqualTo(RequestError.UNKNOWN_TRANSPORT);
    assertThat(server.check(TestRequests.handshake("websocket"), "GET", true)).isNull();
  }

  @Test
  void checkAcceptsRequestsOfAnOpenPollingSession() {
    String sid = TestTransport.polling().open(server, TestRequests.handshake("polling")).id();

    assertThat(server.check(pollingRequest(sid), "GET", false)).as("the next poll").isNull();
    assertThat(server.check(pollingRequest(sid), "POST", false)).as("data from the client").isNull();
    assertThat(server.check(TestRequests.request("/engine.io/?EIO=4&transport=websocket&sid=" + sid), "GET", true))
        .as("the upgrade").isNull();
  }

  @Test
  void checkRefusesARequestOnAnotherTransportThanTheSessions() {
    String sid = TestTransport.websocket().open(server, TestRequests.handshake("websocket")).id();

    assertThat(server.check(pollingRequest(sid), "GET", false)).isEqualTo(RequestError.BAD_REQUEST);
  }

  @Test
  void checkForgetsTheSidOfAClosedSession() {
    EngineSession session = TestTransport.polling().open(server, TestRequests.handshake("polling"));
    session.close(CloseReason.FORCED_CLOSE, null);

    assertThat(server.check(pollingRequest(session.id()), "GET", false)).isEqualTo(RequestError.UNKNOWN_SID);
  }

  // ---- origins ----

  static Stream<Arguments> origins() {
    return Stream.of(
        // no Origin header: not a browser page, allowed whatever the policy
        Arguments.of("default", null, "localhost:3000", null),
        Arguments.of("explicit list", null, "localhost:3000", null),
        // default: the page's own origin only
        Arguments.of("default", "http://localhost:3000", "localhost:3000", null),
        Arguments.of("default", "http://127.0.0.1:3000", "127.0.0.1:3000", null),
        Arguments.of("default", "http://[::1]:3000", "[::1]:3000", null),
        Arguments.of("default", "http://app.localhost:3000", "app.localhost:3000", null),
        // default: a page under a name the server was not told of may be DNS rebinding
        Arguments.of("default", "https://example.com", "example.com", RequestError.FORBIDDEN),
        Arguments.of("default", "http://evil.example:4310", "evil.example:4310", RequestError.FORBIDDEN),
        // with allowedHosts: the page's own origin under those names
        Arguments.of("hosts", "https://example.com", "example.com", null),
        Arguments.of("hosts", "https://example.com", "example.com:443", null),
        Arguments.of("hosts", "http://example.com", "example.com:80", null),
        Arguments.of("hosts", "HTTP://Example.COM:8080", "example.com:8080", null),
        Arguments.of("hosts", "http://evil.example:4310", "evil.example:4310", RequestError.FORBIDDEN),
        Arguments.of("hosts", "https://example.com", "other.example.com", RequestError.FORBIDDEN),
        Arguments.of("default", "http://evil.example", "localhost:3000", RequestError.FORBIDDEN),
        Arguments.of("default", "http://localhost:3001", "localhost:3000", RequestError.FORBIDDEN),
        Arguments.of("default", "https://example.com", "example.com:80", RequestError.FORBIDDEN),
        Arguments.of("default", "null", "localhost:3000", RequestError.FORBIDDEN),
        Arguments.of("default", "http://localhost:3000", null, RequestError.FORBIDDEN),
        Arguments.of("default", "not a uri", "localhost:3000", RequestError.FORBIDDEN),
        // an explicit list: exactly those origins, case-insensitively, wherever the server is
        Arguments.of("explicit list", "https://app.example.com", "internal:8080", null),
        Arguments.of("explicit list", "https://APP.example.com", "internal:8080", null),
        Arguments.of("explicit list", "http://localhost:5173", "internal:8080", null),
        Arguments.of("explicit list", "http://app.example.com", "internal:8080", RequestError.FORBIDDEN),
        Arguments.of("explicit list", "https://app.example.com:8443", "internal:8080", RequestError.FORBIDDEN),
        Arguments.of("explicit list", "https://evil.example", "evil.example", RequestError.FORBIDDEN),
        Arguments.of("explicit list", "internal:8080", "internal:8080", RequestError.FORBIDDEN),
        // "*": anything
        Arguments.of("any", "https://evil.example", "localhost:3000", null),
        Arguments.of("any", "null", null, null));
  }

  @ParameterizedTest(name = "{0}: Origin {1}, Host {2} -> {3}")
  @MethodSource("origins")
  void checkAppliesTheOriginPolicy(String policy, String origin, String host, RequestError expected) {
    EngineOptions.Builder options = EngineOptions.builder();
    switch (policy) {
      case "explicit list" -> options.allowedOrigins("https://app.example.com", "http://localhost:5173");
      case "any" -> options.allowedOrigins("*");
      case "hosts" -> options.allowedHosts("example.com");
      default -> { }
    }
    server = server(options.build());
    String url = "/engine.io/?EIO=4&transport=websocket";
    EngineRequest request = origin == null && host == null ? TestRequests.request(url)
        : origin == null ? TestRequests.request(url, "Host", host)
        : host == null ? TestRequests.request(url, "Origin", origin)
        : TestRequests.request(url, "Origin", origin, "Host", host);

    assertThat(server.check(request, "GET", true)).isEqualTo(expected);
    assertThat(server.options().isOriginAllowed(origin, host)).isEqualTo(expected == null);
  }

  @Test
  void anyOriginWithCredentialsIsRefusedAtBuildTime() {
    EngineOptions.Builder options = EngineOptions.builder().allowedOrigins("*").allowCredentials(true);

    assertThatThrownBy(options::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("allowCredentials(true) cannot be combined with allowedOrigins(\"*\")");
  }

  @Test
  void allowedHostsAreHostNamesOnly() {
    assertThatThrownBy(() -> EngineOptions.builder().allowedHosts("https://example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowedHosts entries must be host names without scheme or port, was https://example.com");
    assertThatThrownBy(() -> EngineOptions.builder().allowedHosts("example.com:443"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theOriginIsCheckedOnRequestsOfAnOpenSessionToo() {
    String sid = TestTransport.polling().open(server, TestRequests.handshake("polling")).id();

    EngineRequest foreign = TestRequests.request("/engine.io/?EIO=4&transport=polling&sid=" + sid,
        "Origin", "http://evil.example", "Host", "localhost:3000");

    assertThat(server.check(foreign, "POST", false)).isEqualTo(RequestError.FORBIDDEN);
  }

  @Test
  void requestErrorsAreTheReferenceServersCodesMessagesAndStatuses() {
    assertThat(Stream.of(RequestError.values()).map(RequestError::toJson)).containsExactly(
        "{\"code\":0,\"message\":\"Transport unknown\"}",
        "{\"code\":1,\"message\":\"Session ID unknown\"}",
        "{\"code\":2,\"message\":\"Bad handshake method\"}",
        "{\"code\":3,\"message\":\"Bad request\"}",
        "{\"code\":4,\"message\":\"Forbidden\"}",
        "{\"code\":5,\"message\":\"Unsupported protocol version\"}");
    assertThat(Stream.of(RequestError.values()).map(RequestError::httpStatus))
        .containsExactly(400, 400, 400, 400, 403, 400);
  }

  // ---- open ----

  @Test
  void openSendsTheOpenPacketOfTheHandshakeFirst() throws Exception {
    server = server(EngineOptions.builder().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200))
        .maxPayload(12345).build());
    TestTransport transport = TestTransport.polling();
    EngineSession session = transport.open(server, TestRequests.handshake("polling"));

    assertThat(transport.frames()).as("nothing before the transport can write").isEmpty();
    transport.drain();

    assertThat(transport.batches()).hasSize(1);
    String open = transport.texts().get(0);
    assertThat(open).startsWith("0");
    JsonNode json = MAPPER.readTree(open.substring(1));
    assertThat(json.properties()).extracting(e -> e.getKey())
        .containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    assertThat(json.get("sid").textValue()).isEqualTo(session.id()).matches("[A-Za-z0-9_-]{20}");
    assertThat(json.get("upgrades")).extracting(JsonNode::textValue).containsExactly("websocket");
    assertThat(json.get("pingInterval").longValue()).isEqualTo(300);
    assertThat(json.get("pingTimeout").longValue()).isEqualTo(200);
    assertThat(json.get("maxPayload").longValue()).isEqualTo(12345);
    assertThat(transport.contractViolations()).isEmpty();
  }

  @Test
  void theOpenPacketHasTheDefaultsOfTheReferenceServer() throws Exception {
    TestTransport transport = TestTransport.websocket();
    transport.open(server, TestRequests.handshake("websocket"));
    transport.drain();

    JsonNode json = MAPPER.readTree(transport.texts().get(0).substring(1));

    assertThat(json.get("upgrades").isEmpty()).as("a websocket session has nothing to upgrade to").isTrue();
    assertThat(json.get("pingInterval").longValue()).isEqualTo(25000);
    assertThat(json.get("pingTimeout").longValue()).isEqualTo(20000);
    assertThat(json.get("maxPayload").longValue()).isEqualTo(1000000);
  }

  @Test
  void theOpenPacketOffersNoUpgradeWhenUpgradesAreOff() throws Exception {
    server = server(EngineOptions.builder().allowUpgrades(false).build());
    TestTransport transport = TestTransport.polling();
    transport.open(server, TestRequests.handshake("polling"));
    transport.drain();

    assertThat(MAPPER.readTree(transport.texts().get(0).substring(1)).get("upgrades").isEmpty()).isTrue();
  }

  @Test
  void openRegistersTheSessionUnderItsSid() {
    EngineSession first = TestTransport.polling().open(server, TestRequests.handshake("polling"));
    EngineSession second = TestTransport.websocket().open(server, TestRequests.handshake("websocket"));

    assertThat(first.id()).isNotEqualTo(second.id());
    assertThat(server.session(first.id())).isSameAs(first);
    assertThat(server.session(second.id())).isSameAs(second);
    assertThat(server.sessionCount()).isEqualTo(2);
    assertThat(first.transportName()).isEqualTo("polling");
    assertThat(first.isOpen()).isTrue();
  }

  // ---- close ----

  @Test
  void closeEndsEverySessionAsServerShuttingDownAndRefusesNewOnes() {
    TestTransport one = TestTransport.websocket();
    TestTransport two = TestTransport.polling();
    one.open(server, TestRequests.handshake("websocket"));
    two.open(server, TestRequests.handshake("polling"));

    server.close();

    assertThat(one.closeReasons()).containsExactly(CloseReason.SERVER_SHUTTING_DOWN);
    assertThat(two.closeReasons()).containsExactly(CloseReason.SERVER_SHUTTING_DOWN);
    assertThat(listener.closes()).containsExactly(CloseReason.SERVER_SHUTTING_DOWN, CloseReason.SERVER_SHUTTING_DOWN);
    assertThat(server.sessionCount()).isZero();
    assertThat(server.isClosed()).isTrue();
    assertThat(TestTransport.websocket().open(server, TestRequests.handshake("websocket"))).isNull();
    assertThat(scheduler.pendingTasks()).as("heartbeats cancelled").isZero();
  }

  private static EngineRequest pollingRequest(String sid) {
    return TestRequests.request("/engine.io/?EIO=4&transport=polling&sid=" + sid);
  }
}
