package dev.kernelgate.execd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kernelgate.http.ConnectionLimitsProbe;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** execd's connection-limit flags reach its HTTP server. */
class ExecdConnectionLimitsTest {

    @TempDir
    Path dir;

    @Test
    void headerTimeoutAndPerClientLimitAreServed() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_MAX_CONNECTIONS_PER_CLIENT", "1");
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1",
                "--request-header-timeout=1s"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env).withRuntimeDir(dir.resolve("runtime"));
        try (ExecdServer.Running execd = new ExecdServer(config, env, kernels).start()) {
            ConnectionLimitsProbe.Replies replies = ConnectionLimitsProbe.probe(execd.port(), "/ping");
            assertTrue(replies.timedOut().contains("{\"code\":\"RUNTIME_ERROR\",\"message\":\"The request head"),
                    replies.timedOut());
            assertTrue(replies.refused().contains("{\"code\":\"RUNTIME_ERROR\",\"message\":\"Too many"),
                    replies.refused());
        }
    }
}
