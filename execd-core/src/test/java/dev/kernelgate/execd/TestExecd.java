package dev.kernelgate.execd;

import dev.kernelgate.kernels.KernelManagerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The assembled execd on an ephemeral loopback port, its kernels' runtime dir and log under {@code dir}. */
public final class TestExecd {
    private TestExecd() {
    }

    public static ExecdServer.Running start(Path dir, String token) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EXECD_ACCESS_TOKEN", token);
        ExecdConfig config = ExecdSettings.parse(env, List.of("--port=0", "--host=127.0.0.1"));
        KernelManagerConfig kernels = KernelManagerConfig.defaults(env).withRuntimeDir(dir.resolve("runtime"))
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        return new ExecdServer(config, env, kernels).start();
    }
}
