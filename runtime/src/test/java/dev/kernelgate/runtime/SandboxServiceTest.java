package dev.kernelgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.RecoveredSandbox;
import dev.kernelgate.runtime.spi.InternalEndpoint;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxRuntime;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxState;
import dev.kernelgate.runtime.spi.SandboxStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The service's own rules with a runtime that cannot start anything (the failure path no real runtime offers on demand). */
class SandboxServiceTest {
    /** A runtime whose every start fails, as an engine that lost its image would. */
    private static final class FailingRuntime implements SandboxRuntime {
        @Override
        public String type() {
            return "docker";
        }

        @Override
        public SandboxStatus create(SandboxSpec spec) {
            throw new IllegalStateException("image not found");
        }

        @Override
        public Optional<SandboxStatus> inspect(String id) {
            return Optional.empty();
        }

        @Override
        public void pause(String id) {
        }

        @Override
        public void resume(String id) {
        }

        @Override
        public void delete(String id) {
        }

        @Override
        public SandboxEndpoint endpoint(String id, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InternalEndpoint internalEndpoint(String id, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<RecoveredSandbox> recover() {
            return List.of();
        }

        @Override
        public List<String> images() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedStartIsListedAsFailedWithTheRuntimesCodeThenDroppedAfterAnHour() throws Exception {
        MovableClock clock = new MovableClock();
        SandboxService service = new SandboxService(new FailingRuntime(),
                new CreateRequestParser.Policy(60, null, new HostPathPolicy(List.of())), clock);
        SandboxException e = assertThrows(SandboxException.class, () -> service.create(new ObjectMapper().readTree(
                "{\"image\":{\"uri\":\"missing\"},\"entrypoint\":[\"sh\"]}")));
        assertEquals(500, e.status());
        assertEquals("DOCKER::SANDBOX_START_FAILED", e.code());

        SandboxRecord failed = service.list(Set.of(SandboxState.FAILED), Map.of(), 1, 20).items().get(0);
        assertEquals("StartFailed", failed.status().reason());
        assertEquals(0, service.expire());
        clock.advance(Duration.ofMinutes(61));
        assertEquals(1, service.expire());
        assertEquals(0, service.list(Set.of(), Map.of(), 1, 20).totalItems());
    }
}
