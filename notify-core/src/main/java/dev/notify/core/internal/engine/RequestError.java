package dev.notify.core.internal.engine;

/**
 * The errors the Engine.IO spec gives an HTTP request, answered with status 400 (403 for {@link #FORBIDDEN}) and
 * the JSON body {@code {"code":N,"message":"..."}} of {@link #toJson()}.
 */
public enum RequestError {
  UNKNOWN_TRANSPORT(0, "Transport unknown"),
  UNKNOWN_SID(1, "Session ID unknown"),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
  BAD_REQUEST(3, "Bad request"),
  FORBIDDEN(4, "Forbidden"),
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

  private final int code;
  private final String message;

  RequestError(int code, String message) {
    this.code = code;
    this.message = message;
  }

  public int code() {
    return code;
  }

  public String message() {
    return message;
  }

  /** The HTTP status the reference server answers with. */
  public int httpStatus() {
    return this == FORBIDDEN ? 403 : 400;
  }

  /** The response body. */
  public String toJson() {
    return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
  }
}
