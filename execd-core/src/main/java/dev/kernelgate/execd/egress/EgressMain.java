package dev.kernelgate.execd.egress;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The egress sidecar's process: {@code kernelgate egress}, and the entry point the docker and kubernetes runtimes
 * start from the injected distribution's class path. Settings come from the environment only ({@link EgressConfig}),
 * as upstream's sidecar takes them.
 */
public final class EgressMain {
    private EgressMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(System.getenv()));
    }

    /** Runs until the JVM is told to stop; returns 2 (after saying why on stderr) when it cannot start. */
    public static int run(Map<String, String> env) throws InterruptedException {
        EgressServer.Running running;
        try {
            EgressConfig config = EgressConfig.fromEnv(env);
            running = new EgressServer(config).start();
        } catch (RuntimeException e) {
            System.err.println("kernelgate egress: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "egress-shutdown"));
        stopped.await();
        return 0;
    }
}
