package dev.notify.core.notification;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The id of a notification: unique across a cluster and sortable by creation time, as a ULID (48 bits of
 * milliseconds, 80 random bits, 26 characters of Crockford base32). Ids made by one generator in the same
 * millisecond stay in order. Clients de-duplicate deliveries by this id. Immutable.
 */
public final class NotificationId implements Comparable<NotificationId> {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int LENGTH = 26;

  private final String value;

  private NotificationId(String value) {
    this.value = value;
  }

  /**
   * Parses an id, in either case; {@link #toString()} gives it back in upper case.
   *
   * @throws IllegalArgumentException when {@code value} is not 26 characters of Crockford base32
   */
  public static NotificationId of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.length() != LENGTH) {
      throw new IllegalArgumentException("a notification id has 26 characters, was " + value.length()
          + ": " + abbreviate(value));
    }
    for (int i = 0; i < LENGTH; i++) {
      if (decode(value.charAt(i)) < 0) {
        throw new IllegalArgumentException("a notification id is Crockford base32, found '" + value.charAt(i)
            + "' in " + value);
      }
    }
    if (decode(value.charAt(0)) > 7) {
      throw new IllegalArgumentException("notification id out of range: " + value);
    }
    // Crockford base32 is case-insensitive: keep the canonical upper case, or equals, hashCode and the order of
    // ids would tell "01h..." from "01H..." and a client that lower-cased an id could never mark it read
    return new NotificationId(value.toUpperCase(java.util.Locale.ROOT));
  }

  /** Parses an id, or returns {@code null} when it is not one. */
  public static NotificationId parseOrNull(String value) {
    try {
      return value == null ? null : of(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** When the id was made. */
  public Instant timestamp() {
    long millis = 0;
    for (int i = 0; i < 10; i++) {
      millis = (millis << 5) | decode(value.charAt(i));
    }
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public int compareTo(NotificationId other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationId other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  private static int decode(char c) {
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == Character.toUpperCase(c)) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }

  /** Makes ids; thread-safe. */
  public static final class Generator {
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private long lastMillis = -1;
    private long randomHigh;
    private long randomLow;

    public Generator(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new id, greater than every id this generator made before. */
    public synchronized NotificationId next() {
      long millis = Math.max(clock.millis(), lastMillis);
      if (millis == lastMillis) {
        // same millisecond: count up the 80 random bits so ids stay ordered
        randomLow = (randomLow + 1) & 0xFFFFFFFFFFL;
        if (randomLow == 0) {
          randomHigh = (randomHigh + 1) & 0xFFFFFFFFFFL;
          if (randomHigh == 0) {
            millis++;
          }
        }
      } else {
        randomHigh = random.nextLong() & 0xFFFFFFFFFFL;
        randomLow = random.nextLong() & 0xFFFFFFFFFFL;
      }
      lastMillis = millis;
      char[] chars = new char[LENGTH];
      for (int i = 9; i >= 0; i--) {
        chars[i] = ALPHABET[(int) (millis & 31)];
        millis >>>= 5;
      }
      long high = randomHigh;
      for (int i = 17; i >= 10; i--) {
        chars[i] = ALPHABET[(int) (high & 31)];
        high >>>= 5;
      }
      long low = randomLow;
      for (int i = 25; i >= 18; i--) {
        chars[i] = ALPHABET[(int) (low & 31)];
        low >>>= 5;
      }
      return new NotificationId(new String(chars));
    }
  }
}
