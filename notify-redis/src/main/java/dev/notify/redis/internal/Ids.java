package dev.notify.redis.internal;

import java.security.SecureRandom;

/** Random node and request ids in the shapes the Node adapters use. Thread-safe. */
final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {
  }

  /** {@code n} characters of base64url, as Node's {@code uid2(n)} (the classic adapter's uid and request ids). */
  static String base64(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    char[] chars = new char[n];
    for (int i = 0; i < n; i++) {
      chars[i] = ALPHABET[bytes[i] & 63];
    }
    return new String(chars);
  }

  /** 8 random bytes as 16 hex characters, as the cluster adapter's {@code randomId()}. */
  static String hex16() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    char[] chars = new char[16];
    for (int i = 0; i < 8; i++) {
      chars[2 * i] = HEX[(bytes[i] >> 4) & 15];
      chars[2 * i + 1] = HEX[bytes[i] & 15];
    }
    return new String(chars);
  }
}
