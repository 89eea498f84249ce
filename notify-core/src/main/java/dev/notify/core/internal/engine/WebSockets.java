package dev.notify.core.internal.engine;

import dev.notify.core.internal.LogKeys;
import dev.notify.core.internal.protocol.EngineDecoder;
import dev.notify.core.internal.protocol.EnginePacket;
import dev.notify.core.internal.protocol.ProtocolException;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The WebSocket transport's rules that do not depend on the server carrying it: opening or upgrading a session
 * over a new connection, decoding its messages, and the close codes both ways. Stateless. Not API: shared by
 * notify's own modules.
 */
public final class WebSockets {

  /** 1000: a goodbye. */
  public static final int NORMAL_CLOSURE = 1000;
  /** 1001: the server is going away. */
  public static final int GOING_AWAY = 1001;
  /** 1002. */
  public static final int PROTOCOL_ERROR = 1002;
  /** 1003: the connection cannot be accepted, here an upgrade without a session to upgrade. */
  public static final int CANNOT_ACCEPT = 1003;
  /** 1008. */
  public static final int POLICY_VIOLATION = 1008;
  /** 1009: a message too large. */
  public static final int TOO_BIG = 1009;
  /** 1011: an unexpected condition, a failure. */
  public static final int UNEXPECTED_CONDITION = 1011;

  private WebSockets() {
  }

  /** Why a connection is refused after its WebSocket handshake: the close code and text to send. */
  public record Refusal(int code, String text) {
  }

  /**
   * Opens a session over {@code transport} for a request without a {@code sid}, or begins the upgrade of the
   * session {@code sid} to it; then {@code attach}es the session to the transport and lets it write. The request
   * has passed {@link EngineServer#check} and {@link EngineServer#admit} already.
   *
   * @param log where a refused upgrade is logged, at DEBUG
   * @return {@code null} when the session is attached, else how to close the connection
   */
  public static Refusal open(EngineServer engine, EngineRequest request, Transport transport,
      Consumer<EngineSession> attach, Logger log) {
    String sid = request.query("sid");
    EngineSession session;
    if (sid == null) {
      session = engine.open(transport, request);
      if (session == null) {
        return new Refusal(GOING_AWAY, "server shutting down");
      }
    } else {
      session = engine.session(sid);
      if (session == null || !session.beginUpgrade(transport)) {
        log.atDebug().addKeyValue(LogKeys.SID, sid).addKeyValue(LogKeys.REMOTE, request.remoteAddress())
            .log("websocket upgrade refused: no session, or not upgradable");
        return new Refusal(CANNOT_ACCEPT, "upgrade refused");
      }
    }
    attach.accept(session);
    session.onDrain(transport);
    return null;
  }

  /** Hands a whole text message to {@code session}, or closes it for a parse error; nothing without a session. */
  public static void onText(EngineSession session, Transport transport, String text) {
    if (session == null) {
      return;
    }
    EnginePacket packet;
    try {
      packet = EngineDecoder.decode(text);
    } catch (ProtocolException e) {
      session.close(CloseReason.PARSE_ERROR, e.getMessage());
      return;
    }
    session.onPacket(transport, packet);
  }

  /** Hands a whole binary message to {@code session}; nothing without a session. */
  public static void onBinary(EngineSession session, Transport transport, byte[] data) {
    if (session != null) {
      session.onPacket(transport, EngineDecoder.decode(data));
    }
  }

  /**
   * Tells {@code session} that the peer closed the connection with {@code code} and {@code reason}: 1009 and 1011
   * are failures, not a goodbye.
   */
  public static void onPeerClose(EngineSession session, Transport transport, int code, String reason) {
    if (session == null) {
      return;
    }
    CloseReason why = code == TOO_BIG ? CloseReason.MESSAGE_TOO_LARGE
        : code == UNEXPECTED_CONDITION ? CloseReason.TRANSPORT_ERROR
        : CloseReason.TRANSPORT_CLOSE;
    session.onTransportClose(transport, why, "websocket closed: " + code + (reason == null || reason.isEmpty() ? ""
        : " " + reason));
  }

  /** The close code the server sends when it closes a session for {@code reason}. */
  public static int closeCode(CloseReason reason) {
    return switch (reason) {
      case SERVER_SHUTTING_DOWN -> GOING_AWAY;
      case PARSE_ERROR -> PROTOCOL_ERROR;
      case MESSAGE_TOO_LARGE -> TOO_BIG;
      case POLICY_VIOLATION -> POLICY_VIOLATION;
      case TRANSPORT_ERROR -> UNEXPECTED_CONDITION;
      default -> NORMAL_CLOSURE;
    };
  }
}
