package dev.kernelgate.kernels;

import java.nio.file.Path;
import java.util.Map;

/**
 * What to start: a kernelspec name, the environment the kernel starts from (before the spec's own {@code env};
 * null = this process's environment), a working directory (null = this process's) and an optional kernel id.
 */
public record KernelStartRequest(String specName, Map<String, String> env, Path cwd, String kernelId) {
    public KernelStartRequest {
        env = env == null ? null : Map.copyOf(env);
    }

    public static KernelStartRequest of(String specName) {
        return new KernelStartRequest(specName, null, null, null);
    }
}
