package dev.kernelgate.runtime;

import dev.kernelgate.runtime.config.LocalSettings;
import dev.kernelgate.runtime.config.ServerConfig;
import dev.kernelgate.runtime.config.ServerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Lifecycle servers for tests: loopback, port 0, the local runtime in a temporary state directory. */
final class TestServers {
    static final String API_KEY = "test-key";

    private TestServers() {
    }

    /**
     * Defaults with a key, the state directory, a 1 s minimum timeout (so expiry tests need no minute) and no warm
     * pool (every create starts its child, the path tests mean to exercise; the pool has its own test).
     */
    static ServerConfig config(Path stateDir) {
        ServerConfig defaults = ServerConfig.defaults();
        ServerSettings server = defaults.server().withListen("127.0.0.1", 0).withApiKey(API_KEY).withTimeouts(1, null);
        return defaults.withServer(server).withLocal(LocalSettings.defaults().withStateDir(stateDir).withWarmPoolSize(0));
    }

    static LifecycleServer.Running start(ServerConfig config) {
        return new LifecycleServer(config, System.getenv(), RuntimeProviders.builtIn(), Clock.systemUTC(),
                Duration.ofMillis(100)).start();
    }

    static LifecycleServer.Running start(Path stateDir) {
        return start(config(stateDir));
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
