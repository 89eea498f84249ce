package dev.notify.redis.internal.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.redis.internal.ClassicCodec;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.core.adapter.cluster.ClusterMessage.AllRooms;
import dev.notify.core.adapter.cluster.ClusterMessage.AllRoomsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.SocketIds;
import dev.notify.redis.internal.MalformedMessageException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fuzzes the decode side of {@link ClassicCodec} (Node's redis-adapter classic format) with the bytes another node,
 * or anyone who can publish on our channels, sends: broadcasts, requests and responses, in msgpack or JSON. Asserts
 * the codec's contract: a malformed message raises {@link MalformedMessageException} (with a kind for the logs) and
 * nothing else; a message of another namespace, or a response nobody waits for, decodes to {@code null}; a decoded
 * message has what its type requires (an event name first in the data, the request id of a request that needs an
 * answer, the kind of response that was asked for).
 *
 * <p>Input: the message bytes, then one byte (Jazzer takes numbers from the end of the input) that picks the channel,
 * modulo 6: 0 broadcast, 1 request, 2 to 5 response, this node waiting under every request id for nothing, a
 * fetchSockets, a serverSideEmit or an allRooms answer. Seeds (messages of our encoders and the captures of
 * REFERENCE.md) are in {@code ClassicCodecFuzzTestInputs}.
 */
class ClassicCodecFuzzTest {

  private static final ClassicCodec CODEC = new ClassicCodec("/");
  private static final ClassicCodec OTHER_NAMESPACE = new ClassicCodec("/other");
  /** What this node waits for under every request id, picked by the input; {@code null}: nothing. */
  private static final List<Class<? extends ClusterMessage>> PENDING =
      Arrays.asList(null, FetchSockets.class, ServerSideEmit.class, AllRooms.class);

  @FuzzTest(maxDuration = "10s")
  void aMessageOnAnyOfTheChannelsDecodesToWhatItSaysOrIsRefusedAsMalformed(FuzzedDataProvider data) {
    int channel = data.consumeInt(0, 1 + PENDING.size());
    byte[] payload = data.consumeRemainingAsBytes();
    try {
      switch (channel) {
        case 0 -> checkBroadcast(payload);
        case 1 -> checkRequest(payload);
        default -> checkResponse(payload, PENDING.get(channel - 2));
      }
    } catch (MalformedMessageException e) {
      checkReason(e);
    }
  }

  private static void checkBroadcast(byte[] payload) throws MalformedMessageException {
    Broadcast broadcast = CODEC.decodeBroadcast(payload);
    if (broadcast == null) {
      return; // another namespace
    }
    Supplier<String> what = () -> describe(broadcast);
    checkEventData(broadcast.data(), broadcast);
    assertThat(broadcast.requestId()).as(what).isNull();
    assertThat(broadcast.opts().local()).as(what).isFalse();
    checkIgnoredByAnotherNamespace(what, () -> OTHER_NAMESPACE.decodeBroadcast(payload));
  }

  private static void checkRequest(byte[] payload) throws MalformedMessageException {
    ClusterMessage request = CODEC.decodeRequest(payload);
    if (request == null) {
      return; // a broadcast with ack for another namespace
    }
    Supplier<String> what = () -> describe(request);
    if (request instanceof Broadcast b) {
      checkEventData(b.data(), b);
      assertThat(b.requestId()).as(what).isNotNull();
      checkIgnoredByAnotherNamespace(what, () -> OTHER_NAMESPACE.decodeRequest(payload));
    } else if (request instanceof ServerSideEmit s) {
      checkEventData(s.data(), s);
    } else if (request instanceof FetchSockets f) {
      assertThat(f.requestId()).as(what).isNotNull();
    } else if (request instanceof AllRooms a) {
      assertThat(a.requestId()).as(what).isNotNull();
    } else if (request instanceof SocketIds s) {
      assertThat(s.requestId()).as(what).isNotNull();
    }
  }

  private static void checkResponse(byte[] payload, Class<? extends ClusterMessage> pending)
      throws MalformedMessageException {
    ClusterMessage response = CODEC.decodeResponse(payload, id -> {
      assertThat(id).as("request id asked about").isNotNull();
      return pending;
    });
    if (response == null) {
      return; // nothing this node waits for
    }
    Supplier<String> what = () -> describe(response);
    if (response instanceof BroadcastClientCount c) {
      assertThat(c.requestId()).as(what).isNotNull();
    } else if (response instanceof BroadcastAck a) {
      assertThat(a.requestId()).as(what).isNotNull();
    } else if (response instanceof FetchSocketsResponse f) {
      assertThat(pending).as(what).isEqualTo(FetchSockets.class);
      assertThat(f.sockets()).as(what).allSatisfy(s -> assertThat(s.id()).isNotNull());
    } else if (response instanceof ServerSideEmitResponse) {
      assertThat(pending).as(what).isEqualTo(ServerSideEmit.class);
    } else if (response instanceof AllRoomsResponse r) {
      assertThat(pending).as(what).isEqualTo(AllRooms.class);
      assertThat(r.rooms()).as(what).doesNotContainNull();
    } else {
      throw new AssertionError("a response decoded to a " + what.get());
    }
  }

  /** A message that decoded for namespace "/" is ignored ({@code null}) by the codec of another namespace. */
  static void checkIgnoredByAnotherNamespace(Supplier<String> what, Decoding decoding) {
    try {
      assertThat(decoding.decode()).as(() -> what.get() + " for another namespace").isNull();
    } catch (MalformedMessageException e) {
      throw new AssertionError(what.get() + " is malformed for another namespace: " + e.getMessage(), e);
    }
  }

  /** One decoding of the input. */
  interface Decoding {
    ClusterMessage decode() throws MalformedMessageException;
  }

  /** {@code [event, ...args]}: what the codec hands the adapter to emit. */
  static void checkEventData(JsonNode eventData, ClusterMessage message) {
    assertThat(eventData.isArray() && !eventData.isEmpty() && eventData.get(0).isTextual())
        .as(() -> "event data of " + describe(message)).isTrue();
  }

  /**
   * The message as text. Not every decoded tree prints: one holding a msgpack extension value (notepack.io writes a
   * JavaScript {@code Date} as one) makes Jackson's {@code toString} throw.
   */
  static String describe(ClusterMessage message) {
    try {
      return String.valueOf(message);
    } catch (RuntimeException e) {
      return message.getClass().getSimpleName() + " (unprintable: " + e.getMessage() + ")";
    }
  }

  /** The adapter logs malformed messages by kind, rate-limited: every one has a kind and a message. */
  static void checkReason(MalformedMessageException e) {
    assertThat(e.kind()).as(() -> "kind of " + e).isNotBlank();
    assertThat(e.getMessage()).as("message of a %s", e.kind()).isNotBlank();
  }
}
