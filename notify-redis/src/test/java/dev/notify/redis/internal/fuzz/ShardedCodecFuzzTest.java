package dev.notify.redis.internal.fuzz;

import static dev.notify.redis.internal.fuzz.ClassicCodecFuzzTest.checkEventData;
import static dev.notify.redis.internal.fuzz.ClassicCodecFuzzTest.checkIgnoredByAnotherNamespace;
import static dev.notify.redis.internal.fuzz.ClassicCodecFuzzTest.checkReason;
import static dev.notify.redis.internal.fuzz.ClassicCodecFuzzTest.describe;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastAck;
import dev.notify.core.adapter.cluster.ClusterMessage.BroadcastClientCount;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSockets;
import dev.notify.core.adapter.cluster.ClusterMessage.FetchSocketsResponse;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmit;
import dev.notify.core.adapter.cluster.ClusterMessage.ServerSideEmitResponse;
import dev.notify.redis.internal.MalformedMessageException;
import dev.notify.redis.internal.ShardedCodec;
import java.util.function.Supplier;

/**
 * Fuzzes {@link ShardedCodec#decode} (the cluster-adapter schema of Node's sharded Redis adapter) with the bytes of
 * a message on our channels, JSON or msgpack. Asserts the codec's contract: a malformed message raises
 * {@link MalformedMessageException} (with a kind for the logs) and nothing else; a message of another namespace
 * decodes to {@code null}; a decoded message has what its type requires (an event name first in the data, the
 * request id of what needs or is an answer).
 *
 * <p>Input: the message bytes. Seeds (messages of our encoder and the capture of REFERENCE.md) are in
 * {@code ShardedCodecFuzzTestInputs}.
 */
class ShardedCodecFuzzTest {

  private static final ShardedCodec CODEC = new ShardedCodec("/");
  private static final ShardedCodec OTHER_NAMESPACE = new ShardedCodec("/other");

  @FuzzTest(maxDuration = "10s")
  void aMessageDecodesToWhatItsTypeSaysOrIsRefusedAsMalformed(FuzzedDataProvider data) {
    byte[] payload = data.consumeRemainingAsBytes();
    ClusterMessage message;
    try {
      message = CODEC.decode(payload);
    } catch (MalformedMessageException e) {
      checkReason(e);
      return;
    }
    if (message == null) {
      return; // a heartbeat, or another namespace
    }
    Supplier<String> what = () -> describe(message);
    if (message instanceof Broadcast b) {
      checkEventData(b.data(), b);
    } else if (message instanceof ServerSideEmit s) {
      checkEventData(s.data(), s);
    } else if (message instanceof FetchSockets f) {
      assertThat(f.requestId()).as(what).isNotNull();
    } else if (message instanceof FetchSocketsResponse f) {
      assertThat(f.requestId()).as(what).isNotNull();
      assertThat(f.sockets()).as(what).allSatisfy(s -> assertThat(s.id()).isNotNull());
    } else if (message instanceof ServerSideEmitResponse s) {
      assertThat(s.requestId()).as(what).isNotNull();
    } else if (message instanceof BroadcastClientCount c) {
      assertThat(c.requestId()).as(what).isNotNull();
    } else if (message instanceof BroadcastAck a) {
      assertThat(a.requestId()).as(what).isNotNull();
    }
    checkIgnoredByAnotherNamespace(what, () -> OTHER_NAMESPACE.decode(payload));
  }
}
