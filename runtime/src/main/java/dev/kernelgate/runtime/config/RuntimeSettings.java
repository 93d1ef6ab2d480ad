package dev.kernelgate.runtime.config;

import java.util.List;

/**
 * {@code [runtime]}: {@code type} = {@code local|docker|kubernetes}; {@code execd_image}, the init image of the
 * kubernetes runtime (the docker runtime mounts execd and the local runtime runs it as a child process, so neither
 * uses it); {@code namespace} as some published guides put it (same meaning as {@code [kubernetes] namespace});
 * {@code sandbox_images}, ours: the images sandboxes are created from that nodes should hold before the first create
 * ({@code kernelgate list-images} prints them for pre-pulling; the docker runtime never pulls).
 */
public record RuntimeSettings(String type, String execdImage, String namespace, List<String> sandboxImages) {

    public RuntimeSettings {
        sandboxImages = List.copyOf(sandboxImages);
    }

    /** Without sandbox images. */
    public RuntimeSettings(String type, String execdImage, String namespace) {
        this(type, execdImage, namespace, List.of());
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings("local", null, null);
    }
}
