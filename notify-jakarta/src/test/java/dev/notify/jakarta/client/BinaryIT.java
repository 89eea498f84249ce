package dev.notify.jakarta.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.server.Args;
import dev.notify.core.server.Socket;
import dev.notify.jakarta.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Binary attachments, alone, several in one event, and nested in objects and arrays, both ways. */
class BinaryIT {

  /** Every byte value once. */
  static final byte[] ALL_BYTES = allBytes();
  /** A larger attachment: 64 KiB of pseudo-random bytes. */
  static final byte[] LARGE = randomBytes(64 * 1024);

  @RegisterExtension
  final NotifyFixture fixture = new NotifyFixture();

  @Test
  void twoClientAttachmentsInOneEventArriveIntactAndInPlace() {
    CompletableFuture<Args> received = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("upload", (args, ack) -> received.complete(args)));
    TestClient client = fixture.connect();

    client.emit("upload", "report.bin", ALL_BYTES, LARGE, 7);

    Args args = Await.result(received);
    assertThat(args.size()).isEqualTo(4);
    assertThat(args.getString(0)).isEqualTo("report.bin");
    assertThat(args.getBytes(1)).isEqualTo(ALL_BYTES);
    assertThat(args.getBytes(2)).isEqualTo(LARGE);
    assertThat(args.get(3).intValue()).isEqualTo(7);
  }

  @Test
  void clientAttachmentsNestedInObjectsAndArraysArriveInPlace() throws Exception {
    CompletableFuture<Args> received = new CompletableFuture<>();
    fixture.io().onConnection(socket -> socket.on("nested", (args, ack) -> received.complete(args)));
    TestClient client = fixture.connect();

    client.emit("nested", new JSONObject().put("name", "a.bin").put("content", ALL_BYTES)
        .put("parts", new JSONArray().put(new byte[] {1, 2}).put("text").put(new byte[] {3})));

    JsonNode file = Await.result(received).get(0);
    assertThat(file.path("name").asText()).isEqualTo("a.bin");
    assertThat(file.path("content").isBinary()).isTrue();
    assertThat(file.path("content").binaryValue()).isEqualTo(ALL_BYTES);
    assertThat(file.path("parts").get(0).binaryValue()).containsExactly(1, 2);
    assertThat(file.path("parts").get(1).asText()).isEqualTo("text");
    assertThat(file.path("parts").get(2).binaryValue()).containsExactly(3);
  }

  @Test
  void twoServerAttachmentsInOneEventArriveIntactAndInPlace() {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    socket.emit("download", "report.bin", ALL_BYTES, LARGE, 7);

    List<Object> args = client.awaitEvent("download").args();
    assertThat(args).hasSize(4);
    assertThat(args.get(0)).isEqualTo("report.bin");
    assertThat((byte[]) args.get(1)).isEqualTo(ALL_BYTES);
    assertThat((byte[]) args.get(2)).isEqualTo(LARGE);
    assertThat(args.get(3)).isEqualTo(7);
  }

  @Test
  void serverAttachmentsNestedInObjectsAndListsArriveInPlace() throws Exception {
    TestClient client = fixture.connect();
    Socket socket = fixture.awaitServerSocket();

    socket.emit("nested", Map.of("name", "a.bin", "content", ALL_BYTES,
        "parts", List.of(new byte[] {1, 2}, "text", new byte[] {3})));

    JSONObject file = (JSONObject) client.awaitEvent("nested").arg(0);
    assertThat(file.getString("name")).isEqualTo("a.bin");
    assertThat((byte[]) file.get("content")).isEqualTo(ALL_BYTES);
    JSONArray parts = file.getJSONArray("parts");
    assertThat((byte[]) parts.get(0)).containsExactly(1, 2);
    assertThat(parts.getString(1)).isEqualTo("text");
    assertThat((byte[]) parts.get(2)).containsExactly(3);
  }

  @Test
  void binaryBroadcastsReachEveryClient() {
    TestClient first = fixture.connect();
    TestClient second = fixture.connect();

    fixture.io().emit("blob", ALL_BYTES, "caption", new byte[0]);

    for (TestClient client : List.of(first, second)) {
      List<Object> args = client.awaitEvent("blob").args();
      assertThat((byte[]) args.get(0)).isEqualTo(ALL_BYTES);
      assertThat(args.get(1)).isEqualTo("caption");
      assertThat((byte[]) args.get(2)).isEmpty();
    }
  }

  private static byte[] allBytes() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }
}
