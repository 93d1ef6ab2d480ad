package dev.kernelgate.cli;

import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdLogFile;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code kernelgate execd}: the OpenSandbox execd API on port 44772 with the Kernel Gateway API on the same port and
 * kernels in-process. Starts with no arguments from the environment alone ({@code EXECD_*}), as a bootstrap script
 * launching it as {@code $EXECD} expects; upstream's flags are accepted.
 */
@Command(name = "execd", mixinStandardHelpOptions = true,
        description = {"Serve the OpenSandbox execd API (and the Kernel Gateway API) on one port.",
            "Flags: --port (44772), --access-token, --host, --allowed-root DIR, --max-upload-bytes N,",
            "--request-header-timeout (10s), --max-connections-per-client (256; 0 = unlimited),",
            "--drop-in-dir DIR (repeatable; default /etc/kernelgate/kernelspecs, /etc/opensandbox/kernelspecs).",
            "Environment: EXECD_ACCESS_TOKEN, EXECD_ENVS, EXECD_LOG_FILE, EXECD_API_GRACE_SHUTDOWN,",
            "EXECD_ALLOWED_ROOTS, EXECD_MAX_UPLOAD_BYTES, EXECD_REQUEST_HEADER_TIMEOUT,",
            "EXECD_MAX_CONNECTIONS_PER_CLIENT, EXECD_DROP_IN_DIRS (':'-separated)."})
final class ExecdCommand implements Callable<Integer> {
    @Unmatched
    private List<String> settings = new ArrayList<>();

    private final HostEnvironment host;

    ExecdCommand() {
        this(HostEnvironment.current());
    }

    ExecdCommand(HostEnvironment host) {
        this.host = host;
    }

    @Override
    public Integer call() throws Exception {
        ExecdConfig config;
        try {
            config = ExecdSettings.parse(host.env(), settings);
        } catch (IllegalArgumentException e) {
            System.err.println("kernelgate execd: " + e.getMessage());
            return 2;
        }
        if (config.logFile() != null) {
            // Rolled by size, one line per event, beside the console (which the container's log keeps).
            ExecdLogFile.open(config.logFile());
        }
        ExecdServer.Running running =
                new ExecdServer(config, host.env(), KernelManagerConfig.defaults(host.env())).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "execd-shutdown"));
        stopped.await();
        return 0;
    }
}
