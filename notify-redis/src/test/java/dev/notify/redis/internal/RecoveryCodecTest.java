package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.notify.core.adapter.BroadcastOptions;
import dev.notify.core.server.RecoveryStore.Session;
import dev.notify.redis.internal.RecoveryCodec.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recovery store's Redis shapes: stream entry fields, sessions, and which sockets an event targets. */
class RecoveryCodecTest {

  private final RecoveryCodec codec = new RecoveryCodec(JsonMapper.builder().build());

  private static BroadcastOptions targets(Set<String> rooms, Set<String> except) {
    return new BroadcastOptions(rooms, except, false, false, false, null);
  }

  @Test
  void jsonArgumentsAreStoredAsJsonText() throws Exception {
    Map<String, String> fields = codec.entry(targets(Set.of("r1"), Set.of("r2")), "hello",
        new Object[] {1, "two", Map.of("three", 3)});

    assertThat(fields).containsEntry("rooms", "[\"r1\"]").containsEntry("except", "[\"r2\"]")
        .containsEntry("event", "hello").containsEntry("format", "json")
        .containsEntry("args", "[1,\"two\",{\"three\":3}]");
    StoredEvent event = codec.event(fields);
    assertThat(event.event()).isEqualTo("hello");
    assertThat(event.rooms()).containsExactly("r1");
    assertThat(event.except()).containsExactly("r2");
    assertThat(event.args()).hasSize(3);
    assertThat(event.args().get(2).get("three").asInt()).isEqualTo(3);
  }

  @Test
  void binaryArgumentsAreStoredAsBase64Msgpack() throws Exception {
    Map<String, String> fields = codec.entry(BroadcastOptions.ALL, "file", new Object[] {new byte[] {0, 1, -1}});

    assertThat(fields).containsEntry("format", "msgpack");
    assertThat(fields.get("args")).matches("[A-Za-z0-9+/=]+");
    assertThat(codec.event(fields).args().get(0).binaryValue()).containsExactly(0, 1, -1);
  }

  @ParameterizedTest(name = "event to {0} except {1}: socket in [a, b, sock] targeted = {2}")
  @CsvSource(delimiter = ';', value = {
      " ; ; true",
      "a ; ; true",
      "c ; ; false",
      "c b ; ; true",
      "sock ; ; true",
      "other-sock ; ; false",
      " ; c ; true",
      " ; b ; false",
      "a ; b ; false",
      " ; sock ; false",
  })
  void anEventTargetsASocketWhenItsRoomsMeetAndItsExceptionsMissTheSocketsRooms(String rooms, String except,
      boolean targeted) {
    StoredEvent event = new StoredEvent(split(rooms), split(except), "e", List.of());

    assertThat(event.targets(Set.of("a", "b", "sock"))).isEqualTo(targeted);
  }

  private static Set<String> split(String names) {
    return names == null ? Set.of() : Set.of(names.trim().split(" +"));
  }

  @Test
  void malformedEntriesAreRefusedWithAReason() {
    assertThatThrownBy(() -> codec.event(Map.of("event", "e")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("without event or args");
    assertThatThrownBy(() -> codec.event(Map.of("event", "e", "args", "[]", "format", "xml")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unknown args format xml");
    assertThatThrownBy(() -> codec.event(Map.of("event", "e", "args", "!!", "format", "msgpack")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unreadable args");
    assertThatThrownBy(() -> codec.event(Map.of("event", "e", "args", "{\"a\":1}")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not an array");
    assertThatThrownBy(() -> codec.event(Map.of("event", "e", "args", "[]", "rooms", "{}")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("rooms is not an array");
  }

  @Test
  void aSessionRoundTripsAndLeavesOutDataTheMapperCannotSerialize() throws Exception {
    Map<String, Object> data = new HashMap<>();
    data.put("user", "jane");
    data.put("roles", List.of("admin", "ops"));
    data.put("thread", new Object()); // no serializer for a bare Object: left out
    Session session = new Session("/admin", "pid", "sid", Set.of("r1", "r2"), data, Instant.ofEpochMilli(1234));
    List<String> dropped = new ArrayList<>();

    Session back = codec.session(codec.session(session, (key, error) -> dropped.add(key)));

    assertThat(dropped).containsExactly("thread");
    assertThat(back.namespace()).isEqualTo("/admin");
    assertThat(back.pid()).isEqualTo("pid");
    assertThat(back.socketId()).isEqualTo("sid");
    assertThat(back.rooms()).containsExactlyInAnyOrder("r1", "r2");
    assertThat(back.data()).containsOnly(Map.entry("user", "jane"), Map.entry("roles", List.of("admin", "ops")));
    assertThat(back.disconnectedAt()).isEqualTo(Instant.ofEpochMilli(1234));
  }

  @Test
  void anUnreadableSessionIsRefused() {
    assertThatThrownBy(() -> codec.session("not json")).isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> codec.session("{\"pid\":\"p\"}")).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("without nsp, pid or sid");
  }
}
