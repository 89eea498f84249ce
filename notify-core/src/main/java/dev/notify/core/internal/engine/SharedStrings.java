package dev.notify.core.internal.engine;

/**
 * One shared instance for the short strings that thousands of handshakes repeat (header values such as
 * {@code websocket} or a browser's {@code User-Agent}, query names and values, the URL, the peer address): each
 * session keeps its request for its whole life, and a private copy of each costs about 56 bytes.
 *
 * <p>Bounded whatever clients send: a fixed table of {@value #SLOTS} slots, one string per slot, a newcomer
 * replacing whatever sat in its slot; strings longer than {@value #MAX_LENGTH} chars are never kept. The table is
 * read and written without locks on purpose: a {@code String} is immutable and safely published through its final
 * fields, so a racing reader sees either string whole, and a lost write only costs one missed share.
 */
final class SharedStrings {

  static final int SLOTS = 1024;
  static final int MAX_LENGTH = 128;

  private final String[] table = new String[SLOTS];

  /** {@code value} itself, or an equal string handed out before; {@code null} stays {@code null}. */
  String share(String value) {
    if (value == null || value.length() > MAX_LENGTH) {
      return value;
    }
    int h = value.hashCode();
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    String held = table[slot];
    if (value.equals(held)) {
      return held;
    }
    table[slot] = value;
    return value;
  }
}
