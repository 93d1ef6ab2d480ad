package dev.kernelgate.runtime;

import dev.kernelgate.runtime.docker.DockerRuntimeProvider;
import dev.kernelgate.runtime.kubernetes.KubernetesRuntimeProvider;
import dev.kernelgate.runtime.local.LocalRuntimeProvider;
import dev.kernelgate.runtime.spi.SandboxRuntimeProvider;
import java.util.List;

/** The runtimes this build has; {@code [runtime] type} picks one. Add a runtime by listing its provider here. */
public final class RuntimeProviders {
    private RuntimeProviders() {
    }

    public static List<SandboxRuntimeProvider> builtIn() {
        return List.of(new LocalRuntimeProvider(), new DockerRuntimeProvider(), new KubernetesRuntimeProvider());
    }

    static SandboxRuntimeProvider find(List<SandboxRuntimeProvider> providers, String type) {
        return providers.stream().filter(p -> p.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("runtime type '" + type + "' is not available in "
                        + "this build (have: " + providers.stream().map(SandboxRuntimeProvider::type).toList() + ")"));
    }
}
