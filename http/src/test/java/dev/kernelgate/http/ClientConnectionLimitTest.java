package dev.kernelgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Counting per address, and one WARN per burst of refusals. */
class ClientConnectionLimitTest {

    private final AtomicLong now = new AtomicLong();
    private final ClientConnectionLimit limit = new ClientConnectionLimit(2, now::get);
    private final Logger log = (Logger) LoggerFactory.getLogger(ClientConnectionLimit.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level level;

    @BeforeEach
    void capture() {
        level = log.getLevel();
        log.setLevel(Level.INFO);
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
        log.setLevel(level);
    }

    private long warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    @Test
    void eachAddressHasItsOwnCountAndAClosedConnectionFreesItsPlace() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("2001:db8::1");
        assertTrue(limit.admit(a));
        assertTrue(limit.admit(a));
        assertFalse(limit.admit(a));
        assertTrue(limit.admit(b), "another address is not affected");
        assertEquals(2, limit.open(a));
        limit.release(a);
        assertTrue(limit.admit(a));
        limit.release(a);
        limit.release(a);
        limit.release(b);
        assertEquals(0, limit.open(a));
        assertEquals(0, limit.open(b));
    }

    @Test
    void refusalsLessThanAMinuteApartAreOneBurstWithOneWarning() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.7");
        limit.admit(a);
        limit.admit(a);
        for (int i = 0; i < 50; i++) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertFalse(limit.admit(a));
        }
        assertEquals(1, warnings(), logged.list.toString());
        now.addAndGet(ClientConnectionLimit.BURST_GAP_NANOS + 1);
        assertFalse(limit.admit(a));
        assertEquals(2, warnings(), "a new burst after a quiet minute: " + logged.list);
        assertTrue(logged.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                && e.getFormattedMessage().contains("50 connections refused")), logged.list.toString());
    }
}
