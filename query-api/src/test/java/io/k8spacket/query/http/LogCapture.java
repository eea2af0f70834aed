package io.k8spacket.query.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log line of the process (all loggers, at the given levels) while open: the formatted message,
 * the logger name and any exception text, so a test can assert that something never appears in the log.
 */
final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final AbstractAppender appender;
  private final Level rootBefore;
  private final Level oursBefore;

  /** Root (third-party) loggers at {@code others}, {@code io.k8spacket} at {@code ours}. */
  LogCapture(Level ours, Level others) {
    appender = new AbstractAppender("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
            .append(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
          line.append(" | ").append(t);
        }
        lines.add(line.toString());
      }
    };
    appender.start();
    Configuration config = context.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    LoggerConfig k8spacket = config.getLoggerConfig("io.k8spacket");
    rootBefore = root.getLevel();
    oursBefore = k8spacket.getLevel();
    root.addAppender(appender, Level.ALL, null);
    root.setLevel(others);
    k8spacket.setLevel(ours);
    context.updateLoggers();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(appender.getName());
    config.getRootLogger().setLevel(rootBefore);
    config.getLoggerConfig("io.k8spacket").setLevel(oursBefore);
    context.updateLoggers();
    appender.stop();
  }
}
