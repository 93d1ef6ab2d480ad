package dev.kernelgate.execd;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * execd's log file ({@code EXECD_LOG_FILE}; the sandbox bootstrap sets {@code /var/log/execd/execd.log}): every event
 * on one line, exceptions folded into it, so a node's log collector can tail the file line by line. The file rolls
 * by size (looked at once a second): past {@link #DEFAULT_MAX_BYTES} it becomes {@code execd.log.1} (older ones move up to {@code .N}, the oldest is
 * dropped), so {@code *.log} matches only the live file. The console keeps every line too ({@code docker logs}).
 *
 * <p>Needs logback as the SLF4J binding (the CLI's jar and the docker runtime's distribution have it); elsewhere it
 * does nothing and says so.
 */
public final class ExecdLogFile implements AutoCloseable {
    /** Where the sandbox bootstrap points execd's log. */
    public static final Path DEFAULT = Path.of("/var/log/execd/execd.log");
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** Rolled files kept besides the live one. */
    public static final int DEFAULT_BACKUPS = 5;
    /** One line per event: ISO-8601 time with offset, level, thread, logger, message and any exception. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - "
            + "%replace(%replace(%msg%n%ex){'\\s+$', ''}){'[\\r\\n]+\\s*', ' | '}%nopex%n";
    /** How often the file's size is looked at (logback's default is once a minute). */
    private static final ch.qos.logback.core.util.Duration SIZE_CHECK =
            ch.qos.logback.core.util.Duration.buildBySeconds(1);
    private static final String APPENDER = "execd-log-file";

    private final RollingFileAppender<ILoggingEvent> appender;

    private ExecdLogFile(RollingFileAppender<ILoggingEvent> appender) {
        this.appender = appender;
    }

    /** {@link #open(Path, long, int)} with the default size and number of backups. */
    public static ExecdLogFile open(Path file) {
        return open(file, DEFAULT_MAX_BYTES, DEFAULT_BACKUPS);
    }

    /**
     * Adds the rolling file to the root logger, beside its console appenders. A file that cannot be written (no
     * such directory and none can be made, a read-only file system) is reported on the console and skipped: execd
     * serves without it.
     *
     * @return the open file ({@link #close()} detaches it), or null when it could not be opened
     */
    public static ExecdLogFile open(Path file, long maxBytes, int backups) {
        org.slf4j.Logger console = LoggerFactory.getLogger(ExecdLogFile.class);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            console.warn("EXECD_LOG_FILE={} is not written: logging is not bound to logback", file);
            return null;
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
        } catch (IOException | SecurityException e) {
            console.warn("EXECD_LOG_FILE={} is not written: cannot create its directory ({}); logging to the console"
                    + " only", file, e.toString());
            return null;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(Math.max(1, backups));
        appender.setRollingPolicy(rolling);

        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(maxBytes));
        size.setCheckIncrement(SIZE_CHECK);
        appender.setTriggeringPolicy(size);

        rolling.start();
        size.start();
        appender.start();
        if (!appender.isStarted()) {
            console.warn("EXECD_LOG_FILE={} is not written: it cannot be opened; logging to the console only", file);
            return null;
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return new ExecdLogFile(appender);
    }

    /**
     * Makes INFO the root level when the configuration on the class path chose a coarser one (a test's WARN), so the
     * file gets execd's start line and its INFO events as the CLI's own configuration has it.
     */
    public static void atLeastInfo() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            if (!root.isInfoEnabled()) {
                root.setLevel(Level.INFO);
            }
        }
    }

    /** Detaches the file from the root logger and closes it. */
    @Override
    public void close() {
        LoggerContext context = appender.getContext() instanceof LoggerContext c ? c : null;
        if (context != null) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        }
        appender.stop();
    }
}
