package dev.notify.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Extension values in msgpack read as a Node server reading notepack.io would pass them on. */
class NotepackExtensionsTest {

  private static JsonNode read(String hex) throws IOException {
    return Payloads.read(HexFormat.of().parseHex(hex));
  }

  @Test
  void aTimestamp32IsTheIsoStringOfItsSecond() throws IOException {
    // what notepack.io writes for new Date(1764677696000): fixext 4, type -1, seconds
    assertThat(read("d6ff692ed840").textValue()).isEqualTo("2025-12-02T12:14:56.000Z");
  }

  @Test
  void aTimestamp64KeepsTheMillisecondsAsADateDoes() throws IOException {
    // new Date(1764677696789): nanoseconds 789,000,000 in the upper 30 bits, seconds in the lower 34
    long both = (789_000_000L << 34) | 1_764_677_696L;
    assertThat(read("d7ff" + HexFormat.of().toHexDigits(both)).textValue()).isEqualTo("2025-12-02T12:14:56.789Z");
  }

  @Test
  void aTimestamp96ReachesDatesBefore1970() throws IOException {
    // ext 8 (0xc7), 12 bytes, type -1: nanoseconds 500,000,000, seconds -1
    assertThat(read("c70cff1dcd6500ffffffffffffffff").textValue()).isEqualTo("1969-12-31T23:59:59.500Z");
  }

  @Test
  void aTimestampOutsideWhatADateHoldsIsNull() throws IOException {
    assertThat(read("c70cff000000007fffffffffffffff").isNull()).isTrue();
  }

  @Test
  void anotherExtensionIsItsTypeAndItsBytesAsNotepackReadsIt() throws IOException {
    JsonNode pair = read("92d5050102c0");

    assertThat(pair.get(0).get(0).intValue()).isEqualTo(5);
    assertThat(pair.get(0).get(1).binaryValue()).containsExactly(1, 2);
    assertThat(pair.get(1).isNull()).isTrue();
  }

  @Test
  void aTreeWithADateWritesBackAsJsonAndMsgpack() throws IOException {
    JsonNode tree = read("81a26174d6ff692ed840");

    assertThat(new String(Payloads.json(tree))).isEqualTo("{\"at\":\"2025-12-02T12:14:56.000Z\"}");
    assertThat(Payloads.read(Payloads.msgpack(tree))).isEqualTo(tree);
  }
}
