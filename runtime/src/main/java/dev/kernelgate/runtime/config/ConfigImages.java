package dev.kernelgate.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The container images the configured runtime needs on a node, for {@code kernelgate list-images} (pre-pulling when
 * a node starts), each once:
 * <ul>
 *   <li>{@code local}: none; sandboxes are child processes of the server;</li>
 *   <li>{@code docker}: {@code [runtime] sandbox_images}; execd is mounted into each container from the server's
 *       own distribution, so there is no execd image;</li>
 *   <li>{@code kubernetes}: {@code [runtime] sandbox_images}, then {@code [runtime] execd_image}, the init image
 *       every sandbox Pod starts with, then {@code [egress] image} when set (the egress sidecar's image; unset, the
 *       sidecar runs from the sandbox's own image).</li>
 * </ul>
 * The docker runtime leaves {@code [egress] image} out: its sidecar always runs from the sandbox's own image.
 */
public final class ConfigImages {
    private ConfigImages() {
    }

    public static List<String> of(ServerConfig config) {
        List<String> images = new ArrayList<>();
        switch (config.runtime().type()) {
            case "docker" -> config.runtime().sandboxImages().forEach(image -> add(images, image));
            case "kubernetes" -> {
                config.runtime().sandboxImages().forEach(image -> add(images, image));
                add(images, config.runtime().execdImage());
                add(images, config.egress().image());
            }
            default -> {
                // local: no images at all
            }
        }
        return images;
    }

    /** Keys the configuration sets that {@link #of} leaves out because its runtime does not use them. */
    public static List<String> unused(ServerConfig config) {
        List<String> unused = new ArrayList<>();
        RuntimeSettings runtime = config.runtime();
        if (runtime.type().equals("local") && !runtime.sandboxImages().isEmpty()) {
            unused.add("[runtime] sandbox_images");
        }
        if (!runtime.type().equals("kubernetes") && runtime.execdImage() != null) {
            unused.add("[runtime] execd_image");
        }
        if (!runtime.type().equals("kubernetes") && config.egress().image() != null
                && !config.egress().image().isBlank()) {
            unused.add("[egress] image");
        }
        return unused;
    }

    private static void add(List<String> images, String image) {
        if (image != null && !image.isBlank() && !images.contains(image.strip())) {
            images.add(image.strip());
        }
    }
}
