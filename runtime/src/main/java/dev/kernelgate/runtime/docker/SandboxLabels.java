package dev.kernelgate.runtime.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sandbox container carries in its labels: upstream's {@code opensandbox.io/} keys (id, deadline, manual
 * cleanup) plus what a restarted server needs to adopt it again (image, entrypoint, creation time, execd's port),
 * and the user's metadata as plain labels, as upstream does.
 */
final class SandboxLabels {
    static final String ID = "opensandbox.io/id";
    static final String EXPIRES_AT = "opensandbox.io/expires-at";
    static final String MANUAL_CLEANUP = "opensandbox.io/manual-cleanup";
    static final String CREATED_AT = "kernelgate.dev/created-at";
    static final String ENTRYPOINT = "kernelgate.dev/entrypoint";
    static final String EXECD_PORT = "kernelgate.dev/execd-port";
    static final String NETWORK_MODE = "kernelgate.dev/network-mode";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SandboxLabels() {
    }

    static Map<String, String> of(SandboxSpec spec, NetworkMode network, int execdPort) {
        Map<String, String> labels = new HashMap<>(spec.metadata());
        labels.put(ID, spec.id());
        if (spec.expiresAt() == null) {
            labels.put(MANUAL_CLEANUP, "true");
        } else {
            labels.put(EXPIRES_AT, spec.expiresAt().toString());
        }
        labels.put(CREATED_AT, spec.createdAt().toString());
        labels.put(NETWORK_MODE, network.engineName());
        labels.put(EXECD_PORT, Integer.toString(execdPort));
        try {
            labels.put(ENTRYPOINT, JSON.writeValueAsString(spec.entrypoint()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
        return labels;
    }

    /** The spec of a container found by label, as far as the labels tell it (no env, limits or volumes). */
    static SandboxSpec spec(ContainerInfo info) {
        Map<String, String> labels = info.labels();
        Map<String, String> metadata = new HashMap<>();
        labels.forEach((key, value) -> {
            if (!key.startsWith("opensandbox.io/") && !key.startsWith("kernelgate.dev/")) {
                metadata.put(key, value);
            }
        });
        List<String> entrypoint;
        try {
            entrypoint = JSON.readValue(labels.getOrDefault(ENTRYPOINT, "[]"), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            entrypoint = List.of();
        }
        String expires = labels.get(EXPIRES_AT);
        String created = labels.get(CREATED_AT);
        return new SandboxSpec(labels.get(ID), new SandboxSpec.ImageSpec(info.image(), null, null), entrypoint,
                Map.of(), metadata, ResourceLimits.none(), null, List.of(), null, false, Map.of(),
                created == null ? Instant.EPOCH : Instant.parse(created), expires == null ? null : Instant.parse(expires));
    }

    static int execdPort(ContainerInfo info) {
        return Integer.parseInt(info.labels().getOrDefault(EXECD_PORT, Integer.toString(SandboxContainers.EXECD_CONTAINER_PORT)));
    }

    static NetworkMode network(ContainerInfo info) {
        return NetworkMode.parse(info.labels().get(NETWORK_MODE));
    }
}
