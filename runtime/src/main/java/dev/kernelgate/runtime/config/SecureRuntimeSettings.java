package dev.kernelgate.runtime.config;

/** {@code [secure_runtime]}: {@code type} = "" | gvisor | kata | firecracker and the engine-specific names. */
public record SecureRuntimeSettings(String type, String dockerRuntime, String k8sRuntimeClass) {

    public static SecureRuntimeSettings defaults() {
        return new SecureRuntimeSettings("", null, null);
    }
}
