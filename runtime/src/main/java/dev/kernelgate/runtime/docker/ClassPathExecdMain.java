package dev.kernelgate.runtime.docker;

import dev.kernelgate.execd.ExecdConfig;
import dev.kernelgate.execd.ExecdLogFile;
import dev.kernelgate.execd.ExecdServer;
import dev.kernelgate.execd.ExecdSettings;
import dev.kernelgate.kernels.KernelManagerConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * execd in a sandbox when Kernelgate runs from a class path rather than from its jar (this module's tests, an IDE):
 * what {@code kernelgate execd} does, for distributions whose class path has no CLI module in it.
 */
public final class ClassPathExecdMain {
    private ClassPathExecdMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        ExecdConfig config = ExecdSettings.parse(env, List.of(args));
        if (config.logFile() != null) {
            // As `kernelgate execd`: INFO and up, whatever level a test's logback configuration chose.
            ExecdLogFile.atLeastInfo();
            ExecdLogFile.open(config.logFile());
        }
        ExecdServer.Running running = new ExecdServer(config, env, KernelManagerConfig.defaults(env)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "execd-shutdown"));
        stopped.await();
    }
}
