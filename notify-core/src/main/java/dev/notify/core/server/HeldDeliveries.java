package dev.notify.core.server;

import dev.notify.core.internal.protocol.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * While a recovered socket's missed events are replayed, the live deliveries to it wait here, so that the client
 * gets them after the replay and in order; released, they go out but for those the replay already sent.
 * Thread-safe (its own monitor, never held while sending: the instance is private to its socket).
 */
final class HeldDeliveries {

  private record Held(List<Frame> frames, boolean volatileFrames) {
  }

  /** {@code null} when not holding. */
  private List<Held> held;

  /** From now on, {@link #offer} keeps deliveries until {@link #release}. */
  void hold() {
    synchronized (this) {
      held = new ArrayList<>();
    }
  }

  /** Keeps the delivery if holding ({@code true}); {@code false}: send it now. */
  boolean offer(List<Frame> frames, boolean volatileFrames) {
    synchronized (this) {
      if (held == null) {
        return false;
      }
      held.add(new Held(frames, volatileFrames));
      return true;
    }
  }

  /**
   * Sends the held deliveries through {@code send}, in order, leaving out the events the replay already sent: those
   * whose offset is not after {@code replayedUpTo} ({@code null}: nothing was replayed). Deliveries offered meanwhile
   * are still held, and go out in the next round, after the ones before them; then holding stops.
   */
  void release(String replayedUpTo, BiConsumer<List<Frame>, Boolean> send) {
    while (true) {
      List<Held> release;
      synchronized (this) {
        release = held;
        if (release == null) {
          return;
        }
        if (release.isEmpty()) {
          held = null;
          return;
        }
        held = new ArrayList<>();
      }
      for (Held h : release) {
        String offset = offsetOf(h.frames());
        if (offset == null || replayedUpTo == null || RecoveryStore.compareOffsets(offset, replayedUpTo) > 0) {
          send.accept(h.frames(), h.volatileFrames());
        }
      }
    }
  }

  /** The offset an event frame carries as its last argument ({@code ...,"12-0"]}), or {@code null}. */
  static String offsetOf(List<Frame> frames) {
    Frame first = frames.get(0);
    if (first.isBinary()) {
      return null;
    }
    String text = first.text();
    if (text.length() < 4 || !(text.startsWith("42") || text.startsWith("45")) || !text.endsWith("\"]")) {
      return null;
    }
    int start = text.lastIndexOf('"', text.length() - 3);
    if (start < 0) {
      return null;
    }
    String offset = text.substring(start + 1, text.length() - 2);
    for (int i = 0; i < offset.length(); i++) {
      char c = offset.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '-')) {
        return null;
      }
    }
    return offset.isEmpty() ? null : offset;
  }
}
