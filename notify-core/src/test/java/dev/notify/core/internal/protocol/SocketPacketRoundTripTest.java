package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized round trips through {@link SocketPacketEncoder} and {@link SocketPacketDecoder}: random namespaces,
 * ack ids, nested JSON (unicode with astral characters, control characters, nulls, numbers, nested arrays and
 * objects) and binary attachments. The seed is printed with any failure; rerun it with
 * {@code -Dnotify.test.seed=<seed>}.
 */
class SocketPacketRoundTripTest {

  private static final int CASES = 1_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SocketPacketEncoder encoder = new SocketPacketEncoder(MAPPER);

  @Test
  void encodeThenDecodeGivesTheSamePacket() {
    long seed = Long.getLong("notify.test.seed", System.nanoTime());
    Random random = new Random(seed);
    // one decoder for all cases, as one connection decodes packet after packet
    SocketPacketDecoder decoder = new SocketPacketDecoder(MAPPER);
    int binaryPackets = 0;
    for (int i = 0; i < CASES; i++) {
      SocketPacket expected = randomPacket(random);
      String description = String.format("case %d of seed %d (rerun with -Dnotify.test.seed=%d): %s", i, seed, seed,
          expected);
      SocketPacketType asked = expected.type() == SocketPacketType.BINARY_EVENT ? SocketPacketType.EVENT
          : expected.type() == SocketPacketType.BINARY_ACK ? SocketPacketType.ACK : expected.type();

      List<Frame> frames = encoder.encode(asked, expected.namespace(), expected.ackId(), expected.data());
      SocketPacket decoded = null;
      for (Frame frame : frames) {
        assertThat(decoded).as(description).isNull();
        try {
          if (frame.isBinary()) {
            decoded = decoder.decode(frame.binary());
          } else {
            EnginePacket message = EngineDecoder.decode(frame.text());
            assertThat(message.type()).as(description).isEqualTo(EnginePacketType.MESSAGE);
            decoded = decoder.decode(message.text());
          }
        } catch (ProtocolException e) {
          throw new AssertionError(description + " failed to decode " + frame, e);
        }
      }

      assertThat(decoded).as(description).isEqualTo(expected);
      assertThat(decoder.awaitsAttachments()).as(description).isFalse();
      if (expected.type().isBinary()) {
        binaryPackets++;
        assertThat(frames).as(description).hasSize(1 + countBinaries(expected.data()));
      }
    }
    // about a fifth of the cases are binary (one in three events and acks gets a binary value): a tenth is some
    // eight standard deviations below that, so only a generator that stopped making them fails here
    assertThat(binaryPackets).as("seed %d: the generator makes binary packets too", seed).isGreaterThan(CASES / 10);
  }

  /** A packet as the decoder gives it back: binary types exactly when the payload holds binary values. */
  private static SocketPacket randomPacket(Random random) {
    String namespace = random.nextInt(3) == 0 ? "/" : randomNamespace(random);
    long ackId = randomAckId(random);
    return switch (random.nextInt(6)) {
      case 0 -> new SocketPacket(SocketPacketType.CONNECT, namespace, SocketPacket.NO_ACK,
          random.nextBoolean() ? null : RandomJson.object(random, 3, 0));
      case 1 -> new SocketPacket(SocketPacketType.DISCONNECT, namespace, SocketPacket.NO_ACK, null);
      case 2 -> new SocketPacket(SocketPacketType.CONNECT_ERROR, namespace, SocketPacket.NO_ACK,
          random.nextBoolean() ? NODES.textNode(RandomJson.string(random, 20)) : RandomJson.object(random, 2, 0));
      case 3, 4 -> {
        ArrayNode data = NODES.arrayNode();
        data.add(random.nextInt(8) == 0 ? NODES.numberNode(random.nextInt(1000))
            : NODES.textNode("e" + RandomJson.string(random, 10)));
        data.addAll(RandomJson.array(random, 4, 0.5, random.nextInt(5)));
        addBinarySometimes(random, data, 1);
        ackId = random.nextBoolean() ? SocketPacket.NO_ACK : ackId;
        yield new SocketPacket(countBinaries(data) > 0 ? SocketPacketType.BINARY_EVENT : SocketPacketType.EVENT,
            namespace, ackId, data);
      }
      default -> {
        ArrayNode data = RandomJson.array(random, 4, 0.5, random.nextInt(5));
        addBinarySometimes(random, data, 0);
        yield new SocketPacket(countBinaries(data) > 0 ? SocketPacketType.BINARY_ACK : SocketPacketType.ACK,
            namespace, ackId, data);
      }
    };
  }

  /** Puts a binary value at a random place of the tree, not before {@code from}, in one case out of three. */
  private static void addBinarySometimes(Random random, ArrayNode data, int from) {
    if (random.nextInt(3) != 0) {
      return;
    }
    JsonNode container = data;
    for (JsonNode child : data) {
      if (child.isContainerNode() && random.nextBoolean()) {
        container = child;
        break;
      }
    }
    if (container instanceof ArrayNode array) {
      int min = array == data ? from : 0;
      array.insert(min + random.nextInt(array.size() - min + 1), RandomJson.binary(random));
    } else {
      ((ObjectNode) container).set("bin" + random.nextInt(100),
          RandomJson.binary(random));
    }
  }

  /** {@code /} then anything but the comma that ends a namespace on the wire. */
  private static String randomNamespace(Random random) {
    String name = RandomJson.string(random, 12).replace(',', '.');
    return "/" + name;
  }

  private static long randomAckId(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> random.nextInt(10);
      case 1 -> random.nextInt(Integer.MAX_VALUE);
      default -> (random.nextLong() >>> 1) % 1_000_000_000_000_000L; // up to 15 digits
    };
  }

  private static int countBinaries(JsonNode node) {
    if (node instanceof BinaryNode) {
      return 1;
    }
    int count = 0;
    for (JsonNode child : node) {
      count += countBinaries(child);
    }
    return count;
  }
}
