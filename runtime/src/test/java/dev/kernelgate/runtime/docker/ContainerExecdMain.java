package dev.kernelgate.runtime.docker;

import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.gateway.kernel.KernelManagerConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * execd as the tests' distributions run it in a container: what {@code kernelgate execd} does, from this module's
 * test class path (the CLI module, which holds the real launcher, is built after this one).
 */
public final class ContainerExecdMain {
    private ContainerExecdMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        ExecdServer.Running running = new ExecdServer(ExecdSettings.parse(env, List.of(args)), env,
                KernelManagerConfig.defaults(env)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "execd-shutdown"));
        stopped.await();
    }
}
