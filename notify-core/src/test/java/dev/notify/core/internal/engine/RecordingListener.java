package dev.notify.core.internal.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EngineSession.Listener} that records what the session reported. Thread-safe. */
public final class RecordingListener implements EngineSession.Listener {

  private final List<String> texts = new CopyOnWriteArrayList<>();
  private final List<byte[]> binaries = new CopyOnWriteArrayList<>();
  private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(EngineSession session, String text) {
    texts.add(text);
  }

  @Override
  public void onMessage(EngineSession session, byte[] data) {
    binaries.add(data);
  }

  @Override
  public void onClose(EngineSession session, CloseReason reason) {
    closes.add(reason);
  }

  /** The text messages, without the Engine.IO message digit. */
  public List<String> texts() {
    return List.copyOf(texts);
  }

  public List<byte[]> binaries() {
    return List.copyOf(binaries);
  }

  /** The reason of each {@code onClose} call. */
  public List<CloseReason> closes() {
    return List.copyOf(closes);
  }
}
