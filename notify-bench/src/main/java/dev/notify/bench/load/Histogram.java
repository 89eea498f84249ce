package dev.notify.bench.load;

/**
 * A latency histogram in microseconds with about 3 % precision: exact below 64 µs, then 32 buckets per power of
 * two, up to about 10 minutes. Fixed size (a few KB), no allocation per value. Serializes to a sparse text form
 * so worker processes can send theirs to the driver, which merges them. Not thread-safe.
 */
public final class Histogram {

  private static final int SUB = 32;
  private static final int SIZE = 64 + 40 * SUB;

  private final long[] counts = new long[SIZE];
  private long total;
  private long max;

  /** Records one value, in µs; negative values count as 0. */
  public void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  static int index(long v) {
    if (v < 64) {
      return (int) v;
    }
    int msb = 63 - Long.numberOfLeadingZeros(v);
    int shift = msb - 5;
    int idx = 64 + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
    return Math.min(idx, SIZE - 1);
  }

  /** The lowest value of a bucket. */
  static long lowest(int idx) {
    if (idx < 64) {
      return idx;
    }
    int shift = (idx - 64) / SUB + 1;
    long top = (idx - 64) % SUB + SUB;
    return top << shift;
  }

  /** The middle of a bucket, as the value a percentile reports. */
  static double middle(int idx) {
    if (idx < 64) {
      return idx;
    }
    int shift = (idx - 64) / SUB + 1;
    return lowest(idx) + (1L << shift) / 2.0;
  }

  public long count() {
    return total;
  }

  public long max() {
    return max;
  }

  /** The value at or below which {@code fraction} of the values lie, in µs; NaN when empty. */
  public double percentile(double fraction) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(fraction * total);
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return Math.min(middle(i), max);
      }
    }
    return max;
  }

  public void reset() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
    max = 0;
  }

  public void add(Histogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  /** {@code max;idx:count,idx:count...}, or {@code 0;} when empty. */
  public String serialize() {
    StringBuilder sb = new StringBuilder().append(max).append(';');
    boolean first = true;
    for (int i = 0; i < SIZE; i++) {
      if (counts[i] != 0) {
        if (!first) {
          sb.append(',');
        }
        sb.append(i).append(':').append(counts[i]);
        first = false;
      }
    }
    return sb.toString();
  }

  public static Histogram parse(String text) {
    Histogram h = new Histogram();
    int semi = text.indexOf(';');
    h.max = Long.parseLong(text.substring(0, semi));
    String rest = text.substring(semi + 1);
    if (!rest.isEmpty()) {
      for (String pair : rest.split(",")) {
        int colon = pair.indexOf(':');
        int idx = Integer.parseInt(pair.substring(0, colon));
        long n = Long.parseLong(pair.substring(colon + 1));
        h.counts[idx] += n;
        h.total += n;
      }
    }
    return h;
  }
}
