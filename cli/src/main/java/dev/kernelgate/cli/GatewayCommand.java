package dev.kernelgate.cli;

import dev.kernelgate.gateway.GatewayConfig;
import dev.kernelgate.gateway.GatewaySettings;
import dev.kernelgate.gateway.KernelGatewayServer;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code kernelgate gateway}: the Kernel Gateway API, configured like {@code jupyter kernelgateway} (KG_* variables,
 * {@code --ip}, {@code --port}, {@code --KernelGatewayApp.<trait>=value}). Runs until SIGINT or SIGTERM, then
 * stops every kernel it started.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Serve the Jupyter Kernel Gateway API (a drop-in for `jupyter kernelgateway`).",
            "Settings: KG_* environment variables, --ip, --port and --KernelGatewayApp.<trait>=value,",
            "--JupyterWebsocketPersonality.<trait>=value, --NotebookHTTPPersonality.<trait>=value,",
            "--MappingKernelManager.<trait>=value (see README)."})
final class GatewayCommand implements Callable<Integer> {
    @Unmatched
    private List<String> settings = new ArrayList<>();

    private final HostEnvironment host;

    GatewayCommand() {
        this(HostEnvironment.current());
    }

    GatewayCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig config;
        try {
            config = GatewaySettings.parse(host.env(), settings);
        } catch (IllegalArgumentException e) {
            System.err.println("kernelgate gateway: " + e.getMessage());
            return 2;
        }
        KernelGatewayServer.Running running;
        try {
            running = new KernelGatewayServer(config, host.env(), KernelManagerConfig.defaults(host.env())).start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // e.g. a seed notebook without endpoints, or whose seeding fails: say so and stop, as upstream does
            System.err.println("kernelgate gateway: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
        return 0;
    }
}
