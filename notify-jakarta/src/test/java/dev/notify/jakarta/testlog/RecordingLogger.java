package dev.notify.jakarta.testlog;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Records every DEBUG+ call in {@link LogRecords} and prints INFO+ to stderr (with the stack trace, if any) so
 * build logs stay readable. Thread-safe.
 */
final class RecordingLogger extends LegacyAbstractLogger {

  private static final long serialVersionUID = 1L;

  RecordingLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
      Throwable throwable) {
    if (level == Level.TRACE) {
      return;
    }
    String message = MessageFormatter.basicArrayFormat(pattern, args);
    LogRecords.add(level, name, message, throwable);
    if (level.toInt() >= Level.INFO.toInt()) {
      print(level, message, throwable);
    }
  }

  private void print(Level level, String message, Throwable throwable) {
    StringBuilder line = new StringBuilder(128).append(LocalTime.now()).append(" [")
        .append(Thread.currentThread().getName()).append("] ").append(level).append(' ').append(name)
        .append(" - ").append(message);
    if (throwable != null) {
      StringWriter trace = new StringWriter();
      throwable.printStackTrace(new PrintWriter(trace));
      line.append(System.lineSeparator()).append(trace);
    }
    PrintStream err = System.err;
    err.println(line);
  }
}
