package dev.kernelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The launcher's logging set-up (tests use logback-test.xml, so nothing else would notice it being broken). */
class LogbackConfigTest {

    @Test
    void theLauncherLogsInfoToStderrWithoutComplaint() {
        LoggerContext context = new LoggerContext();
        ConsoleLogConfigurator.toStderr(context, null);
        List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).toList();
        assertEquals(List.of(), problems);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        ConsoleAppender<?> appender = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertEquals("System.err", appender.getTarget());
        assertTrue(appender.isStarted());
        context.stop();
    }

    @Test
    void theLevelComesFromItsPropertyAndNonsenseMeansInfo() {
        for (var c : List.of(new String[] {"debug", "DEBUG"}, new String[] {"WARN", "WARN"},
                new String[] {"loud", "INFO"})) {
            LoggerContext context = new LoggerContext();
            ConsoleLogConfigurator.toStderr(context, c[0]);
            assertEquals(c[1], context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel().toString(), c[0]);
            context.stop();
        }
    }

    @Test
    void logbackFindsItAndItStepsAsideForAnXmlConfiguration() throws IOException {
        try (InputStream services = getClass().getClassLoader()
                .getResourceAsStream("META-INF/services/" + Configurator.class.getName())) {
            assertEquals(ConsoleLogConfigurator.class.getName(),
                    new String(services.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        // This test's class path has a logback-test.xml: that file configures, not the launcher's code.
        LoggerContext context = new LoggerContext();
        ConsoleLogConfigurator configurator = new ConsoleLogConfigurator();
        configurator.setContext(context);
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, configurator.configure(context));
        assertEquals(null, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        context.stop();
    }
}
