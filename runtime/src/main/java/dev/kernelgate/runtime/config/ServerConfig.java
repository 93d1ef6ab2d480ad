package dev.kernelgate.runtime.config;

import java.nio.file.Path;

/**
 * The whole configuration, one record per TOML table. Security settings are kept even where the chosen runtime
 * cannot apply them; each runtime documents which it enforces.
 *
 * @param source the file it was read from, or null for built-in defaults
 */
public record ServerConfig(ServerSettings server, LogSettings log, RuntimeSettings runtime, LocalSettings local,
                           DockerSettings docker, KubernetesSettings kubernetes, StorageSettings storage,
                           SecureRuntimeSettings secureRuntime, EgressSettings egress, IngressSettings ingress,
                           Path source) {

    /** Every default, runtime {@code local}: what {@code ./kernelgate server} uses without a file. */
    public static ServerConfig defaults() {
        return new ServerConfig(ServerSettings.defaults(), LogSettings.defaults(), RuntimeSettings.defaults(),
                LocalSettings.defaults(), DockerSettings.defaults(), KubernetesSettings.defaults(),
                StorageSettings.defaults(), SecureRuntimeSettings.defaults(), EgressSettings.defaults(),
                IngressSettings.defaults(), null);
    }

    public ServerConfig withServer(ServerSettings s) {
        return new ServerConfig(s, log, runtime, local, docker, kubernetes, storage, secureRuntime, egress, ingress,
                source);
    }

    public ServerConfig withLocal(LocalSettings l) {
        return new ServerConfig(server, log, runtime, l, docker, kubernetes, storage, secureRuntime, egress, ingress,
                source);
    }

    public ServerConfig withStorage(StorageSettings s) {
        return new ServerConfig(server, log, runtime, local, docker, kubernetes, s, secureRuntime, egress, ingress,
                source);
    }

    public ServerConfig withDocker(DockerSettings d) {
        return new ServerConfig(server, log, runtime, local, d, kubernetes, storage, secureRuntime, egress, ingress,
                source);
    }

    public ServerConfig withRuntime(RuntimeSettings r) {
        return new ServerConfig(server, log, r, local, docker, kubernetes, storage, secureRuntime, egress, ingress,
                source);
    }

    public ServerConfig withEgress(EgressSettings e) {
        return new ServerConfig(server, log, runtime, local, docker, kubernetes, storage, secureRuntime, e, ingress,
                source);
    }
}
