package dev.kernelgate.execd.streams;

import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.gateway.kernel.KernelManagerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An execd on an ephemeral loopback port with an access token; its kernels' output goes to {@code kernels.log}. */
final class TestExecd {
    private TestExecd() {
    }

    static ExecdServer.Running start(Path dir, String token) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_ACCESS_TOKEN", token);
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env).withRuntimeDir(dir.resolve("runtime"))
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        return new ExecdServer(config, env, kernels).start();
    }
}
