package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.Args;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Event payloads survive the trip both ways with their JSON types. */
class EventsIT {

  /** Text that needs escaping or more than one UTF-16 unit: accents, CJK, emoji and other astral characters. */
  static final String UNICODE = "héllo wörld — 日本語 😀 𝄞 \"quoted\" back\\slash\nnew line\ttab \u0001 \u2028";

  record Profile(String name, int age, List<String> roles, Map<String, Object> settings) {
  }

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void clientEventArgumentsArriveOnTheServerWithTheirJsonTypes() throws Exception {
    CompletableFuture<Args> received = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("types", (args, ack) -> received.complete(args)));
    TestClient client = fixture.connect();

    client.emit("types", "text", 42, 9_007_199_254_740_993L, 3.25, true, false,
        new JSONObject().put("name", "ada").put("tags", new JSONArray().put("x").put("y")),
        new JSONArray().put(new JSONArray().put(1).put(2)).put(new JSONArray().put(3).put(new JSONArray().put(4))),
        UNICODE, null);

    Args args = Await.result(received);
    assertThat(args.size()).isEqualTo(10);
    assertThat(args.get(0).isTextual()).isTrue();
    assertThat(args.getString(0)).isEqualTo("text");
    assertThat(args.get(1).isInt()).isTrue();
    assertThat(args.get(1).intValue()).isEqualTo(42);
    assertThat(args.get(2).isIntegralNumber()).isTrue();
    assertThat(args.get(2).longValue()).isEqualTo(9_007_199_254_740_993L);
    assertThat(args.get(3).isFloatingPointNumber()).isTrue();
    assertThat(args.get(3).doubleValue()).isEqualTo(3.25);
    assertThat(args.get(4).isBoolean()).isTrue();
    assertThat(args.get(4).booleanValue()).isTrue();
    assertThat(args.get(5).booleanValue()).isFalse();
    JsonNode object = args.get(6);
    assertThat(object.isObject()).isTrue();
    assertThat(object.path("name").asText()).isEqualTo("ada");
    assertThat(object.path("tags").toString()).isEqualTo("[\"x\",\"y\"]");
    assertThat(args.get(7).toString()).isEqualTo("[[1,2],[3,[4]]]");
    assertThat(args.getString(8)).isEqualTo(UNICODE);
    assertThat(args.get(9).isNull()).isTrue();
    assertThat(args.getString(9)).isNull();
  }

  @Test
  void clientObjectsConvertToServerPojos() throws Exception {
    CompletableFuture<Profile> received = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("profile", (args, ack) -> received.complete(args.get(0,
        Profile.class))));
    TestClient client = fixture.connect();

    client.emit("profile", new JSONObject().put("name", "ada").put("age", 36)
        .put("roles", new JSONArray().put("admin").put("ops")).put("settings", new JSONObject().put("dark", true)));

    assertThat(Await.result(received)).isEqualTo(new Profile("ada", 36, List.of("admin", "ops"),
        Map.of("dark", true)));
  }

  @Test
  void serverEventArgumentsArriveOnTheClientWithTheirJsonTypes() throws Exception {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();
    List<Object> nested = List.of(List.of(1, 2), List.of(3, List.of(4)));
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("name", "ada");
    object.put("tags", List.of("x", "y"));
    object.put("none", null);

    socket.emit("types", "text", 42, 9_007_199_254_740_993L, 3.25, true, false, object, nested, UNICODE, null);

    List<Object> args = client.awaitEvent("types").args();
    assertThat(args).hasSize(10);
    assertThat(args.get(0)).isEqualTo("text");
    assertThat(args.get(1)).isEqualTo(42);
    assertThat(((Number) args.get(2)).longValue()).isEqualTo(9_007_199_254_740_993L);
    assertThat(args.get(3)).isEqualTo(3.25);
    assertThat(args.get(4)).isEqualTo(true);
    assertThat(args.get(5)).isEqualTo(false);
    JSONObject json = (JSONObject) args.get(6);
    assertThat(json.getString("name")).isEqualTo("ada");
    assertThat(json.getJSONArray("tags").join(",")).isEqualTo("\"x\",\"y\"");
    assertThat(json.isNull("none")).isTrue();
    JSONArray array = (JSONArray) args.get(7);
    assertThat(array.getJSONArray(0).join(",")).isEqualTo("1,2");
    assertThat(array.getJSONArray(1).getInt(0)).isEqualTo(3);
    assertThat(array.getJSONArray(1).getJSONArray(1).getInt(0)).isEqualTo(4);
    assertThat(args.get(8)).isEqualTo(UNICODE);
    assertThat(args.get(9)).isNull();
  }

  @Test
  void serverPojosArriveAsJsonObjects() throws Exception {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    socket.emit("profile", new Profile("ada", 36, List.of("admin", "ops"), Map.of("dark", true)));

    JSONObject profile = (JSONObject) client.awaitEvent("profile").arg(0);
    assertThat(profile.getString("name")).isEqualTo("ada");
    assertThat(profile.getInt("age")).isEqualTo(36);
    assertThat(profile.getJSONArray("roles").getString(1)).isEqualTo("ops");
    assertThat(profile.getJSONObject("settings").getBoolean("dark")).isTrue();
    assertThat(profile.length()).isEqualTo(4);
  }

  @Test
  void anEventWithoutArgumentsArrivesWithoutArguments() {
    CompletableFuture<Args> received = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("bare", (args, ack) -> received.complete(args)));
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    client.emit("bare");
    socket.emit("bare");

    assertThat(Await.result(received).isEmpty()).isTrue();
    assertThat(client.awaitEvent("bare").args()).isEmpty();
  }

  @Test
  void eventsOfOneClientReachTheHandlersInTheOrderSent() {
    List<Integer> seen = new ArrayList<>();
    CompletableFuture<List<Integer>> all = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("n", (args, ack) -> {
      seen.add(args.get(0).intValue());
      if (seen.size() == 200) {
        all.complete(List.copyOf(seen));
      }
    }));
    TestClient client = fixture.connect();

    for (int i = 0; i < 200; i++) {
      client.emit("n", i);
    }

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(i);
    }
    assertThat(Await.result(all)).isEqualTo(expected);
  }

  @Test
  void aHandlerThatThrowsLeavesTheSocketUp() {
    fixture.io().onConnection(socket -> {
      socket.on("boom", (args, ack) -> {
        throw new IllegalStateException("handler failure on purpose");
      });
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
    });
    TestClient client = fixture.connect();

    client.emit("boom");

    assertThat(client.request("echo", "after")).containsExactly("after");
    assertThat(client.socket().connected()).isTrue();
  }
}
