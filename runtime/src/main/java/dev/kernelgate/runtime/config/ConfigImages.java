package dev.kernelgate.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The container images a server configuration names, for {@code kernelgate list-images} (pre-pulling on node
 * start-up): {@code [runtime] execd_image} and {@code [egress] image}, each once, in that order. Sandbox images come
 * with each create request and are not in the configuration.
 */
public final class ConfigImages {
    private ConfigImages() {
    }

    public static List<String> of(ServerConfig config) {
        List<String> images = new ArrayList<>();
        add(images, config.runtime().execdImage());
        add(images, config.egress().image());
        return images;
    }

    private static void add(List<String> images, String image) {
        if (image != null && !image.isBlank() && !images.contains(image.strip())) {
            images.add(image.strip());
        }
    }
}
