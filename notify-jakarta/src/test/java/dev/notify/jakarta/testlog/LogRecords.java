package dev.notify.jakarta.testlog;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.event.Level;

/**
 * What the test JVM logged through SLF4J, kept in memory by {@link RecordingLoggerProvider} so tests can assert on
 * log lines. Records DEBUG and above (TRACE is dropped); the oldest records go once {@link #CAPACITY} is reached.
 *
 * <p>Thread-safe. The store is one per JVM (SLF4J creates the provider itself), so tests scope their assertions:
 * take a {@link #mark()} before acting and read {@link #since(long)}, or filter on an id only their
 * connection has.
 */
public final class LogRecords {

  /** How many records are kept. */
  public static final int CAPACITY = 100_000;

  /** One logging call. {@code seq} grows by one per record, in the order they were logged. */
  public record Entry(long seq, Level level, String logger, String thread, String message, Throwable throwable) {

    /** Whether the level is {@code level} or more severe. */
    public boolean atLeast(Level threshold) {
      return level.toInt() >= threshold.toInt();
    }

    @Override
    public String toString() {
      return level + " [" + thread + "] " + logger + " - " + message
          + (throwable == null ? "" : " (" + throwable + ")");
    }
  }

  private static final ArrayDeque<Entry> RECORDS = new ArrayDeque<>();
  private static long next;

  private LogRecords() {
  }

  static synchronized void add(Level level, String logger, String message, Throwable throwable) {
    if (RECORDS.size() == CAPACITY) {
      RECORDS.removeFirst();
    }
    RECORDS.addLast(new Entry(next++, level, logger, Thread.currentThread().getName(), message, throwable));
  }

  /** The sequence number the next record will get: pass it to {@link #since(long)}. */
  public static synchronized long mark() {
    return next;
  }

  /** The records logged since {@code mark}, oldest first. */
  public static synchronized List<Entry> since(long mark) {
    List<Entry> result = new ArrayList<>();
    for (Entry entry : RECORDS) {
      if (entry.seq() >= mark) {
        result.add(entry);
      }
    }
    return result;
  }

  /** The records kept that match, oldest first. */
  public static synchronized List<Entry> matching(Predicate<Entry> filter) {
    List<Entry> result = new ArrayList<>();
    for (Entry entry : RECORDS) {
      if (filter.test(entry)) {
        result.add(entry);
      }
    }
    return result;
  }
}
