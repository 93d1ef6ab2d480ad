package dev.kernelgate.notebooks;

import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelGatewayServer;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedded Kernel Gateway on an ephemeral loopback port, configured with the same settings a user would pass
 * to {@code ./kernelgate gateway}. Kernel output goes to {@code kernels.log} under the given directory.
 */
public final class GatewayFixture implements AutoCloseable {
    private final KernelGatewayServer.Running running;

    private GatewayFixture(KernelGatewayServer.Running running) {
        this.running = running;
    }

    /** Starts a gateway; {@code settings} are KG_* variables (merged over this process's env) and flags. */
    public static GatewayFixture start(Path dir, Map<String, String> kgEnv, String... flags) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(kgEnv);
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--port=0");
        GatewayConfig config = GatewaySettings.parse(env, args);
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        KernelManagerConfig manager = KernelManagerConfig.defaults(env).withRuntimeDir(runtime)
                .withKernelOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kernels.log").toFile()));
        return new GatewayFixture(new KernelGatewayServer(config, env, manager).start());
    }

    public int port() {
        return running.port();
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port();
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port();
    }

    public KernelGatewayServer.Running running() {
        return running;
    }

    @Override
    public void close() {
        running.close();
    }
}
