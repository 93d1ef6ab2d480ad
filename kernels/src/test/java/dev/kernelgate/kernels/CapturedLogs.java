package dev.kernelgate.kernels;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** What some classes log while a test runs, for assertions; close to stop capturing. */
final class CapturedLogs implements AutoCloseable {
    private final List<Logger> loggers;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs(List<Logger> loggers) {
        this.loggers = loggers;
        appender.start();
        loggers.forEach(l -> l.addAppender(appender));
    }

    static CapturedLogs of(Class<?>... classes) {
        return new CapturedLogs(Stream.of(classes).map(c -> (Logger) LoggerFactory.getLogger(c)).toList());
    }

    /** The formatted messages logged at {@code level}. */
    List<String> at(Level level) {
        synchronized (appender) { // appenders append under their own lock, from any thread
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.detachAppender(appender));
        appender.stop();
    }
}
