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
  void aBinaryFrameHasNoUtf8() {
    Frame frame = Frame.binary(new byte[] {1, 2});

    assertThatThrownBy(frame::utf8).isInstanceOf(IllegalStateException.class).hasMessage("binary frame has no text");
  }
}
