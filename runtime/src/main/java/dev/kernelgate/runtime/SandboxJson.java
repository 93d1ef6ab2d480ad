package dev.kernelgate.runtime;

import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxSpec;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The lifecycle API's JSON shapes (camelCase, {@code None} fields left out as upstream's response models do). */
final class SandboxJson {
    private SandboxJson() {
    }

    /** {@code Sandbox}: the create response plus {@code image}. */
    static Map<String, Object> sandbox(SandboxRecord r) {
        Map<String, Object> out = createResponse(r);
        SandboxSpec.ImageSpec image = r.spec().image();
        // Credentials are never echoed back.
        out.put("image", Map.of("uri", image.uri()));
        return out;
    }

    /** {@code CreateSandboxResponse}. */
    static Map<String, Object> createResponse(SandboxRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("status", status(r));
        out.put("metadata", r.metadata());
        if (r.spec().platform() != null) {
            out.put("platform", Map.of("os", r.spec().platform().os(), "arch", r.spec().platform().arch()));
        }
        putTime(out, "expiresAt", r.expiresAt());
        putTime(out, "createdAt", r.spec().createdAt());
        out.put("entrypoint", r.spec().entrypoint());
        return out;
    }

    private static Map<String, Object> status(SandboxRecord r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", r.status().state().wire());
        if (r.status().reason() != null) {
            out.put("reason", r.status().reason());
        }
        if (r.status().message() != null) {
            out.put("message", r.status().message());
        }
        putTime(out, "lastTransitionAt", r.lastTransitionAt());
        return out;
    }

    static Map<String, Object> page(SandboxService.Page page) {
        List<Map<String, Object>> items = page.items().stream().map(SandboxJson::sandbox).toList();
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("page", page.page());
        pagination.put("pageSize", page.pageSize());
        pagination.put("totalItems", page.totalItems());
        pagination.put("totalPages", page.totalPages());
        pagination.put("hasNextPage", page.hasNextPage());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("pagination", pagination);
        return out;
    }

    static Map<String, Object> endpoint(SandboxEndpoint e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("endpoint", e.endpoint());
        out.put("headers", e.headers());
        return out;
    }

    static Map<String, Object> renewed(Instant expiresAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        putTime(out, "expiresAt", expiresAt);
        return out;
    }

    private static void putTime(Map<String, Object> out, String key, Instant at) {
        if (at != null) {
            out.put(key, DateTimeFormatter.ISO_INSTANT.format(at));
        }
    }
}
