package dev.kernelgate.runtime.spi;

import dev.kernelgate.runtime.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a runtime gets from the server when it is opened.
 *
 * @param config   the whole parsed configuration (a runtime reads its own section, e.g. {@code config.docker()})
 * @param stateDir a directory of its own that survives restarts (pid files, caches); created by the server
 * @param env      the server's environment, for runtimes that need e.g. {@code DOCKER_HOST}
 * @param clock    the server's clock (tests use a fixed or moving one)
 */
public record RuntimeContext(ServerConfig config, Path stateDir, Map<String, String> env, Clock clock) {
    public RuntimeContext {
        env = Map.copyOf(env);
    }
}
