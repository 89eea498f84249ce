package dev.notify.redis.internal.fuzz;

import static dev.notify.redis.internal.fuzz.ClassicCodecFuzzTest.checkReason;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.notify.core.server.RecoveryStore.Session;
import dev.notify.redis.internal.MalformedMessageException;
import dev.notify.redis.internal.RecoveryCodec;
import dev.notify.redis.internal.RecoveryCodec.StoredEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzzes the decode side of {@link RecoveryCodec} with what it reads back from Redis, which anyone with access to
 * the server's Redis can write: the fields of a stream entry ({@link RecoveryCodec#event}) and a session's JSON
 * ({@link RecoveryCodec#session(String)}). Asserts the codec's contract: unreadable data raises
 * {@link MalformedMessageException} (with a kind for the logs) and nothing else; and what it reads back is what was
 * stored: the entry's event name and (JSON) arguments, the session's ids, time and data keys.
 *
 * <p>Input: a session's JSON text when the last input byte is odd (Jazzer takes booleans from the end of the input),
 * else a stream entry, one field a line as {@code name=value} (a line without {@code =} is skipped). Seeds (entries
 * and sessions of the codec's own encoder) are in {@code RecoveryCodecFuzzTestInputs}.
 */
class RecoveryCodecFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final RecoveryCodec CODEC = new RecoveryCodec(MAPPER);

  @FuzzTest(maxDuration = "10s")
  void aStreamEntryOrASessionReadsBackWholeOrIsRefusedAsMalformed(FuzzedDataProvider data) {
    boolean session = data.consumeBoolean();
    String text = data.consumeRemainingAsString();
    try {
      if (session) {
        checkSession(text);
      } else {
        checkEntry(text);
      }
    } catch (MalformedMessageException e) {
      checkReason(e);
    }
  }

  private static void checkEntry(String text) throws MalformedMessageException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      int eq = line.indexOf('=');
      if (eq >= 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    StoredEvent event = CODEC.event(fields);
    assertThat(event.event()).as("event of %s", fields).isEqualTo(fields.get("event"));
    assertThat(event.args()).as("arguments of %s", fields).doesNotContainNull();
    if (!"msgpack".equals(fields.get("format"))) {
      assertThat(event.args()).as("arguments of %s", fields).hasSize(readTree(fields.get("args")).size());
    }
  }

  private static void checkSession(String json) throws MalformedMessageException {
    Session session = CODEC.session(json);
    JsonNode node = readTree(json);
    assertThat(session.namespace()).as("nsp of %s", json).isEqualTo(node.get("nsp").textValue());
    assertThat(session.pid()).as("pid of %s", json).isEqualTo(node.get("pid").textValue());
    assertThat(session.socketId()).as("sid of %s", json).isEqualTo(node.get("sid").textValue());
    assertThat(session.disconnectedAt().toEpochMilli()).as("disconnectedAt of %s", json)
        .isEqualTo(node.path("disconnectedAt").asLong());
    assertThat(session.data().keySet()).as("data of %s", json).allMatch(key -> node.path("data").has(key));
  }

  /** Reads what the codec has read already, so it cannot fail. */
  private static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("the codec read what a plain mapper cannot: " + json, e);
    }
  }
}
