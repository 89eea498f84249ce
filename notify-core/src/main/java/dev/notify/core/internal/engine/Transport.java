package dev.notify.core.internal.engine;

import dev.notify.core.internal.protocol.Frame;
import java.util.List;

/**
 * The SPI between an {@link EngineSession} and one physical connection (a WebSocket, or a series of HTTP
 * long-polling requests). Implementations live in the transport modules (notify-jakarta).
 *
 * <p>Flow control follows Engine.IO: the transport tells the session it can take frames by calling
 * {@link EngineSession#onDrain(Transport)}; the session then calls {@link #send(List)} at most once until the next
 * {@code onDrain}. A WebSocket transport calls {@code onDrain} once at open and again each time a batch is written;
 * a polling transport calls it when a {@code GET} arrives. Inbound packets go to
 * {@link EngineSession#onPacket(Transport, dev.notify.core.internal.protocol.EnginePacket)}, the end of the connection to
 * {@link EngineSession#onTransportClose(Transport, CloseReason, String)}.
 *
 * <p>Methods are called from any thread but never concurrently with themselves for one transport, and never
 * while the session holds a lock. They must not block.
 */
public interface Transport {

  /** The Engine.IO transport name: {@code "websocket"} or {@code "polling"}. */
  String name();

  /** Writes frames, in order, asynchronously; calls {@code onDrain} when it can take more. */
  void send(List<Frame> frames);

  /**
   * Ends the connection; idempotent, asynchronous. A polling transport answers a waiting {@code GET} with a close
   * packet, or a noop when the client itself asked to close ({@link CloseReason#TRANSPORT_CLOSE}).
   */
  void close(CloseReason reason);

  /**
   * The session moved to another transport (an upgrade completed): end this one quietly. A polling transport
   * refuses a {@code GET} still waiting, and later requests, as the spec refuses HTTP requests after an upgrade.
   */
  default void discard() {
    close(CloseReason.TRANSPORT_CLOSE);
  }
}
