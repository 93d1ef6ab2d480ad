package dev.kernelgate.runtime.config;

/**
 * {@code [runtime]}: {@code type} = {@code local|docker|kubernetes}; {@code execd_image} for container runtimes;
 * {@code namespace} as some published guides put it (same meaning as {@code [kubernetes] namespace}).
 */
public record RuntimeSettings(String type, String execdImage, String namespace) {

    public static RuntimeSettings defaults() {
        return new RuntimeSettings("local", null, null);
    }
}
