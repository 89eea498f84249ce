package dev.notify.core.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of notify-core's tests: slf4j-simple prints the lines as before, and while a test captures
 * ({@link #capture()}) every line of every level is also kept, with its key-value pairs, for the test to inspect.
 * slf4j-simple keeps no MDC; this provider has a real one. Chosen with the {@code slf4j.provider} system property
 * (the surefire configuration) and by {@code META-INF/services}, which the test-jar leaves out.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {

  /** One captured line: its message formatted, its key-value pairs in order. */
  public record Line(Level level, String logger, String message, Map<String, Object> keyValues) {
    @Override
    public String toString() {
      return level + " " + logger + " " + keyValues + " " + message;
    }
  }

  /** The lines logged from {@link CapturingLogProvider#capture()} until {@link #close()}. */
  public static final class Capture implements AutoCloseable {
    private final ConcurrentLinkedQueue<Line> lines = new ConcurrentLinkedQueue<>();

    public List<Line> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void close() {
      capturing = null;
    }
  }

  private static volatile Capture capturing;

  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private final MDCAdapter mdc = new BasicMDCAdapter();
  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
  private ILoggerFactory factory;

  /** Starts keeping every line, at every level, until the capture is closed. */
  public static Capture capture() {
    if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof CapturingFactory)) {
      throw new IllegalStateException("SLF4J did not choose " + CapturingLogProvider.class.getName()
          + " (the slf4j.provider system property): " + org.slf4j.LoggerFactory.getILoggerFactory());
    }
    Capture capture = new Capture();
    capturing = capture;
    return capture;
  }

  @Override
  public void initialize() {
    simple.initialize();
    ILoggerFactory printer = simple.getLoggerFactory();
    factory = (CapturingFactory) name -> loggers.computeIfAbsent(name,
        n -> new CapturingLogger(n, printer.getLogger(n)));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return SimpleServiceProvider.REQUESTED_API_VERSION;
  }

  private interface CapturingFactory extends ILoggerFactory {
  }

  /** Keeps the line when capturing, then hands it to slf4j-simple's logger of the same name. */
  private static final class CapturingLogger extends AbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    private final transient Logger printer;

    CapturingLogger(String name, Logger printer) {
      this.name = name;
      this.printer = printer;
    }

    @Override
    public void log(LoggingEvent event) {
      Map<String, Object> keyValues = new LinkedHashMap<>();
      List<KeyValuePair> pairs = event.getKeyValuePairs();
      if (pairs != null) {
        pairs.forEach(pair -> keyValues.put(pair.key, pair.value));
      }
      Object[] args = event.getArgumentArray();
      keep(event.getLevel(), event.getMessage(), args, keyValues);
      LoggingEventBuilder line = printer.atLevel(event.getLevel()).setCause(event.getThrowable());
      for (Map.Entry<String, Object> pair : keyValues.entrySet()) {
        line = line.addKeyValue(pair.getKey(), pair.getValue());
      }
      line.log(event.getMessage(), args == null ? new Object[0] : args);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable cause) {
      keep(level, pattern, args, Map.of());
      printer.atLevel(level).setCause(cause).log(pattern, args == null ? new Object[0] : args);
    }

    private void keep(Level level, String pattern, Object[] args, Map<String, Object> keyValues) {
      Capture capture = capturing;
      if (capture != null) {
        capture.lines.add(new Line(level, name, MessageFormatter.basicArrayFormat(pattern, args),
            Collections.unmodifiableMap(new LinkedHashMap<>(keyValues))));
      }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    private boolean enabled(Level level) {
      return capturing != null || printer.isEnabledForLevel(level);
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return isErrorEnabled();
    }
  }
}
