package dev.notify.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {

  @Test
  void utf8OfATextFrameIsItsTextEncodedOnceAndSharedAfterwards() {
    Frame frame = Frame.text("42[\"h\u00e9llo \u2713 \ud83c\udf89\"]");

    byte[] first = frame.utf8();

    assertThat(first).isEqualTo("42[\"h\u00e9llo \u2713 \ud83c\udf89\"]".getBytes(StandardCharsets.UTF_8));
    assertThat(frame.utf8()).as("the same array for every target").isSameAs(first);
  }

  @Test
  void webSocketMessageIsOneUnmaskedFinalFrameBuiltOnceWithTheLengthInTheSmallestForm() {
    Frame small = Frame.text("4hé");
    byte[] message = small.webSocketMessage();
    assertThat(message).containsExactly(0x81, 4, '4', 'h', 0xc3, 0xa9);
    assertThat(small.webSocketMessage()).as("the same array for every target").isSameAs(message);

    assertThat(header(Frame.text("4" + "x".repeat(124)), 2)).containsExactly(0x81, 125);
    assertThat(header(Frame.text("4" + "x".repeat(125)), 4)).containsExactly(0x81, 126, 0, 126);
    assertThat(header(Frame.text("4" + "x".repeat(65534)), 4)).containsExactly(0x81, 126, 0xff, 0xff);
    assertThat(header(Frame.text("4" + "x".repeat(65535)), 10)).containsExactly(0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);
    assertThat(Frame.text("4" + "x".repeat(65535)).webSocketMessage()).hasSize(10 + 65536);

    byte[] data = {4, 1, 2, 3};
    assertThat(Frame.binary(data).webSocketMessage()).containsExactly(0x82, 4, 4, 1, 2, 3);
  }

  private static int[] header(Frame frame, int length) {
    byte[] message = frame.webSocketMessage();
    int[] header = new int[length];
    for (int i = 0; i < length; i++) {
      header[i] = message[i] & 0xff;
    }
    return header;
  }

  @Test
  void aBinaryFrameHasNoUtf8() {
    Frame frame = Frame.binary(new byte[] {1, 2});

    assertThatThrownBy(frame::utf8).isInstanceOf(IllegalStateException.class).hasMessage("binary frame has no text");
  }
}
