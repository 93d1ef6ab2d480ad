package dev.kernelgate.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A process counts as quiet when it uses (almost) no CPU over a window; a spinning one never does. */
class QuietProcessTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aSleepingProcessIsQuietAndASpinningOneIsNot() throws Exception {
        Process sleeping = new ProcessBuilder("sleep", "60").start();
        Process spinning = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try {
            assertTrue(QuietProcess.await(sleeping.pid(), Duration.ofSeconds(10), scheduler)
                    .get(20, TimeUnit.SECONDS));
            assertFalse(QuietProcess.await(spinning.pid(), Duration.ofMillis(800), scheduler)
                    .get(20, TimeUnit.SECONDS));
        } finally {
            sleeping.destroyForcibly();
            spinning.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIsGoneIsNotWaitedFor() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        assertFalse(QuietProcess.await(done.pid(), Duration.ofSeconds(30), scheduler).get(5, TimeUnit.SECONDS));
        assertFalse(QuietProcess.await(-1, Duration.ofSeconds(30), scheduler).get(5, TimeUnit.SECONDS));
    }
}
