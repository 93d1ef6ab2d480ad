package dev.kernelgate.examples;

import com.alibaba.opensandbox.sandbox.config.ConnectionConfig;
import dev.kernelgate.runtime.LifecycleServer;
import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import java.net.URI;
import java.nio.file.Path;

/**
 * What {@code ./kernelgate server} runs, embedded: the lifecycle server on a free loopback port with the local
 * runtime (each sandbox a child execd JVM from the test class path), its state under a test's temporary directory.
 */
final class LocalServer implements AutoCloseable {
    static final String API_KEY = "examples-key";

    private final LifecycleServer.Running running;

    private LocalServer(LifecycleServer.Running running) {
        this.running = running;
    }

    static LocalServer start(Path stateDir) {
        ServerConfig defaults = ServerConfig.defaults();
        ServerConfig config = defaults
                .withServer(defaults.server().withListen("127.0.0.1", 0).withApiKey(API_KEY))
                .withLocal(LocalSettings.defaults().withStateDir(stateDir).withWarmPoolSize(1));
        return new LocalServer(new LifecycleServer(config, System.getenv()).start());
    }

    /** The address as a user passes it to an example's {@code main}. */
    ServerAddress address() {
        return new ServerAddress(URI.create(running.baseUrl()), API_KEY);
    }

    ConnectionConfig connection() {
        return address().connection().build();
    }

    @Override
    public void close() {
        running.close();
    }
}
