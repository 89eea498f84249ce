package dev.notify.core.internal.engine;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session and socket ids: 20 characters of base64url from a {@link SecureRandom}. A polling {@code sid} is all a
 * request needs to act as the client, so ids must not be guessable.
 */
public final class SessionIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private SessionIds() {
  }

  /** A new random id. */
  public static String next() {
    byte[] bytes = new byte[15];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }
}
