package dev.kernelgate.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.execd.egress.EgressConfig;
import dev.kernelgate.execd.egress.PolicyException;
import dev.kernelgate.runtime.spi.EgressSidecarEnv;
import dev.kernelgate.runtime.spi.HostPathPolicy;
import dev.kernelgate.runtime.spi.ResourceLimits;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxSpec;
import dev.kernelgate.runtime.spi.SandboxSpec.EgressRule;
import dev.kernelgate.runtime.spi.SandboxSpec.ImageSpec;
import dev.kernelgate.runtime.spi.SandboxSpec.NetworkPolicy;
import dev.kernelgate.runtime.spi.SandboxSpec.Platform;
import dev.kernelgate.runtime.spi.SandboxSpec.PvcClaim;
import dev.kernelgate.runtime.spi.SandboxSpec.VolumeSpec;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code CreateSandboxRequest} body into a {@link SandboxSpec}, refusing what upstream refuses with its
 * status and code: schema violations (no image, no entrypoint, {@code timeout} under the minimum, wrong types) are
 * 422 as FastAPI answers them; semantic ones (malformed quantities, a timeout over the cap, bad volumes, host paths
 * outside {@code allowed_host_paths}) are 400 with the specific code.
 */
final class CreateRequestParser {
    /** The latest expiry: the end of year 9999, where RFC 3339 dates (and upstream's Python datetimes) end. */
    static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern PVC_NAME = Pattern.compile("[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?");
    private static final Set<String> OS = Set.of("linux", "windows");
    private static final Set<String> ARCH = Set.of("amd64", "arm64");
    private static final Set<String> ACTIONS = Set.of("allow", "deny");
    static final int MAX_EGRESS_RULES = dev.kernelgate.execd.egress.PolicyHandler.DEFAULT_MAX_RULES;
    static final int MAX_POLICY_CHARS = 100 * 1024;

    /** What the server allows: timeout bounds and host paths. */
    record Policy(long minTimeoutSeconds, Long maxTimeoutSeconds, HostPathPolicy hostPaths) {
    }

    private final Policy policy;

    CreateRequestParser(Policy policy) {
        this.policy = policy;
    }

    SandboxSpec parse(JsonNode body, String id, Instant now) {
        if (body == null || !body.isObject()) {
            throw ErrorCodes.unprocessable("The request body must be a JSON object.");
        }
        ImageSpec image = image(body);
        List<String> entrypoint = entrypoint(body);
        Instant expiresAt = expiry(body.get("timeout"), now);
        ResourceLimits resources = resources(body.get("resourceLimits"));
        Map<String, String> env = stringMap(body.get("env"), "env", true);
        Map<String, String> metadata = metadata(body.get("metadata"));
        Platform platform = platform(body.get("platform"));
        NetworkPolicy network = networkPolicy(body.get("networkPolicy"));
        boolean credentialProxy = body.path("credentialProxy").path("enabled").asBoolean(false);
        if (credentialProxy && network == null) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "credentialProxy.enabled requires networkPolicy.");
        }
        JsonNode secure = body.get("secureAccess");
        if (secure != null && !secure.isNull() && !secure.isBoolean()) {
            throw ErrorCodes.unprocessable("secureAccess must be a boolean.");
        }
        List<VolumeSpec> volumes = volumes(body.get("volumes"));
        Map<String, String> extensions = stringMap(body.get("extensions"), "extensions", false);
        return new SandboxSpec(id, image, entrypoint, env, metadata, resources, platform, volumes, network,
                secure != null && secure.asBoolean(false), extensions, now, expiresAt, credentialProxy);
    }

    private static ImageSpec image(JsonNode body) {
        JsonNode image = body.get("image");
        JsonNode snapshot = body.get("snapshotId");
        boolean hasImage = image != null && !image.isNull();
        boolean hasSnapshot = snapshot != null && !snapshot.isNull();
        if (hasImage == hasSnapshot) {
            throw ErrorCodes.unprocessable("Exactly one of image or snapshotId must be provided.");
        }
        if (hasSnapshot) {
            throw new SandboxException(400, ErrorCodes.API_NOT_SUPPORTED,
                    "Creating a sandbox from a snapshot is not supported by this server.");
        }
        if (!image.isObject() || !image.path("uri").isTextual() || image.path("uri").asText().isBlank()) {
            throw ErrorCodes.unprocessable("image.uri is required and must be a non-empty string.");
        }
        JsonNode auth = image.path("auth");
        String user = null;
        String password = null;
        if (auth.isObject()) {
            if (!auth.path("username").isTextual() || !auth.path("password").isTextual()) {
                throw ErrorCodes.unprocessable("image.auth needs username and password strings.");
            }
            user = auth.get("username").asText();
            password = auth.get("password").asText();
        }
        return new ImageSpec(image.get("uri").asText().trim(), user, password);
    }

    private static List<String> entrypoint(JsonNode body) {
        JsonNode e = body.get("entrypoint");
        if (e == null || e.isNull()) {
            throw ErrorCodes.unprocessable("Entrypoint is required when image is provided.");
        }
        if (!e.isArray() || e.isEmpty()) {
            throw ErrorCodes.unprocessable("entrypoint must be a non-empty array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode part : e) {
            if (!part.isTextual()) {
                throw ErrorCodes.unprocessable("entrypoint must be a non-empty array of strings.");
            }
            out.add(part.asText());
        }
        if (out.get(0).isBlank()) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "entrypoint[0] must name a program.");
        }
        return out;
    }

    private Instant expiry(JsonNode timeout, Instant now) {
        if (timeout == null || timeout.isNull()) {
            return null; // manual cleanup, as upstream
        }
        if (!timeout.isIntegralNumber()) {
            throw ErrorCodes.unprocessable("timeout must be an integer number of seconds.");
        }
        if (!timeout.canConvertToLong()) {
            if (timeout.bigIntegerValue().signum() < 0) {
                throw ErrorCodes.unprocessable("timeout must be at least " + policy.minTimeoutSeconds()
                        + " seconds, not " + timeout + ".");
            }
            throw tooLate(timeout.toString());
        }
        long seconds = timeout.asLong();
        if (seconds < policy.minTimeoutSeconds()) {
            throw ErrorCodes.unprocessable("timeout must be at least " + policy.minTimeoutSeconds()
                    + " seconds, not " + seconds + ".");
        }
        if (policy.maxTimeoutSeconds() != null && seconds > policy.maxTimeoutSeconds()) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "timeout " + seconds
                    + " exceeds the server's max_sandbox_timeout_seconds (" + policy.maxTimeoutSeconds() + ").");
        }
        if (seconds > Duration.between(now, LATEST_EXPIRY).getSeconds()) {
            throw tooLate(Long.toString(seconds));
        }
        return now.plusSeconds(seconds);
    }

    /** Upstream's timeout is added to a Python datetime, which ends with year 9999: later is a 400 there too. */
    private static SandboxException tooLate(String seconds) {
        return ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "timeout " + seconds
                + " seconds is too large: the sandbox would expire after " + LATEST_EXPIRY + ".");
    }

    private static ResourceLimits resources(JsonNode node) {
        Map<String, String> raw = stringMap(node, "resourceLimits", false);
        long cpu = 0;
        long memory = 0;
        int gpu = 0;
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String v = e.getValue();
            String field = "resourceLimits." + e.getKey();
            switch (e.getKey()) {
                case "cpu" -> cpu = ResourceQuantity.cpuMillis(field, v);
                case "memory" -> memory = ResourceQuantity.bytes(field, v);
                case "gpu", "nvidia.com/gpu" -> {
                    try {
                        gpu = Integer.parseInt(v.trim());
                    } catch (NumberFormatException ex) {
                        gpu = -1;
                    }
                    if (gpu < 0) {
                        throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER,
                                field + " '" + v + "' is not a GPU count (0 to " + Integer.MAX_VALUE + ").");
                    }
                }
                default -> ResourceQuantity.check(field, v);
            }
        }
        return new ResourceLimits(cpu, memory, gpu, raw);
    }

    private static Map<String, String> metadata(JsonNode node) {
        Map<String, String> metadata = stringMap(node, "metadata", false);
        metadata.forEach(MetadataLabels::check);
        return metadata;
    }

    private static Platform platform(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String os = node.path("os").asText("");
        String arch = node.path("arch").asText("");
        if (!OS.contains(os) || !ARCH.contains(arch)) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER,
                    "platform must have os linux|windows and arch amd64|arm64, not " + node + ".");
        }
        return new Platform(os, arch);
    }

    /**
     * Checked as the egress sidecar will read it (a policy it refuses would stop it, and the create would fail with
     * a 500), and small enough to travel in its environment: at most {@value #MAX_EGRESS_RULES} rules (the sidecar's
     * own limit) and {@value #MAX_POLICY_CHARS} characters of JSON (Linux takes 128 KiB per environment string).
     */
    private static NetworkPolicy networkPolicy(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ErrorCodes.unprocessable("networkPolicy must be an object.");
        }
        String defaultAction = node.path("defaultAction").asText("deny");
        if (!ACTIONS.contains(defaultAction)) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "networkPolicy.defaultAction must be allow or deny.");
        }
        JsonNode egress = node.path("egress");
        if (!egress.isMissingNode() && !egress.isNull() && !egress.isArray()) {
            throw ErrorCodes.unprocessable("networkPolicy.egress must be an array.");
        }
        if (egress.size() > MAX_EGRESS_RULES) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "networkPolicy.egress has " + egress.size()
                    + " rules; at most " + MAX_EGRESS_RULES + ".");
        }
        List<EgressRule> rules = new ArrayList<>();
        for (JsonNode rule : egress) {
            String action = rule.path("action").asText("");
            String target = rule.path("target").asText("");
            if (!ACTIONS.contains(action) || target.isBlank()) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER,
                        "networkPolicy.egress rules need action allow|deny and a target, not " + rule + ".");
            }
            try {
                dev.kernelgate.execd.egress.EgressRule.of(action, target);
            } catch (PolicyException e) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "networkPolicy.egress[" + rules.size() + "]: "
                        + printable(e.getMessage()) + ".");
            }
            rules.add(new EgressRule(action, target));
        }
        NetworkPolicy policy = new NetworkPolicy(defaultAction, rules);
        int chars = EgressSidecarEnv.of(policy, EgressConfig.MODE_DNS, "", null, false)
                .get(EgressConfig.RULES_ENV).length();
        if (chars > MAX_POLICY_CHARS) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "networkPolicy is " + chars
                    + " characters as JSON; at most " + MAX_POLICY_CHARS + ".");
        }
        return policy;
    }

    private List<VolumeSpec> volumes(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ErrorCodes.unprocessable("volumes must be an array.");
        }
        List<VolumeSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode v : node) {
            String name = v.path("name").asText("");
            if (!VOLUME_NAME.matcher(name).matches()) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_VOLUME_NAME,
                        "Volume name '" + name + "' must be a DNS label (lower-case letters, digits, '-').");
            }
            if (!names.add(name)) {
                throw ErrorCodes.invalid(ErrorCodes.DUPLICATE_VOLUME_NAME, "Volume name '" + name + "' is repeated.");
            }
            String mountPath = mountPath(name, v.path("mountPath").asText(""));
            String subPath = subPath(name, v.get("subPath"));
            List<String> backends = new ArrayList<>();
            for (String kind : List.of("host", "pvc", "ossfs")) {
                if (v.hasNonNull(kind)) {
                    backends.add(kind);
                }
            }
            if (backends.size() != 1) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_VOLUME_BACKEND, "Volume '" + name
                        + "' needs exactly one backend (host, pvc, ossfs), not " + backends.size() + ".");
            }
            String kind = backends.get(0);
            String hostPath = kind.equals("host") ? hostPath(name, v.path("host").path("path").asText(""), subPath)
                    : null;
            PvcClaim pvc = kind.equals("pvc") ? pvc(name, v.get("pvc")) : null;
            Map<String, String> options = new LinkedHashMap<>();
            v.path(kind).properties().forEach(f -> options.put(f.getKey(),
                    f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
            out.add(new VolumeSpec(name, mountPath, v.path("readOnly").asBoolean(false), subPath, kind, hostPath,
                    pvc, options));
        }
        return out;
    }

    /**
     * {@code subPath}: relative, without {@code ..}; {@code .} and empty components are dropped, and what is left
     * empty means no subPath at all.
     */
    private static String subPath(String volume, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ErrorCodes.unprocessable("Volume '" + volume + "' subPath must be a string.");
        }
        String raw = node.asText();
        if (raw.startsWith("/") || raw.indexOf(0) >= 0) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_SUB_PATH, "Volume '" + volume + "' subPath '"
                    + printable(raw) + "' must be a relative path.");
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_SUB_PATH, "Volume '" + volume + "' subPath '"
                        + printable(raw) + "' must not contain '..'.");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /**
     * The {@code pvc} backend: {@code claimName} a lower-case DNS name (upstream's rule, dots allowed as Kubernetes
     * allows them), the two flags booleans with upstream's defaults (create: true; delete: false).
     */
    private static PvcClaim pvc(String volume, JsonNode pvc) {
        if (!pvc.isObject()) {
            throw ErrorCodes.unprocessable("Volume '" + volume + "' pvc must be an object.");
        }
        JsonNode claimNode = pvc.get("claimName");
        if (claimNode != null && !claimNode.isNull() && !claimNode.isTextual()) {
            throw ErrorCodes.unprocessable("Volume '" + volume + "' pvc.claimName must be a string.");
        }
        String claim = claimNode == null || claimNode.isNull() ? "" : claimNode.asText();
        if (claim.isEmpty()) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PVC_NAME,
                    "Volume '" + volume + "' pvc.claimName is required and must not be empty.");
        }
        if (!PVC_NAME.matcher(claim).matches()) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PVC_NAME, "Volume '" + volume + "' pvc.claimName '"
                    + printable(claim) + "' is not a valid name: lower-case letters, digits, '-' and '.', starting "
                    + "and ending with a letter or digit, at most 253 characters.");
        }
        return new PvcClaim(claim, flag(volume, pvc, "createIfNotExists", true),
                flag(volume, pvc, "deleteOnSandboxTermination", false));
    }

    private static boolean flag(String volume, JsonNode pvc, String field, boolean otherwise) {
        JsonNode node = pvc.get(field);
        if (node == null || node.isNull()) {
            return otherwise;
        }
        if (!node.isBoolean()) {
            throw ErrorCodes.unprocessable("Volume '" + volume + "' pvc." + field + " must be a boolean.");
        }
        return node.asBoolean();
    }

    /** A user's string for a message: control characters escaped, long ones cut. */
    private static String printable(String raw) {
        String cut = raw.length() > 300 ? raw.substring(0, 300) + "..." : raw;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /**
     * The mount path, normalised; it must stay below the sandbox's root: the local runtime resolves it under the
     * workspace, so {@code /../x} would land outside the sandbox, and no runtime can mount over {@code /} itself.
     */
    private static String mountPath(String volume, String raw) {
        if (!raw.startsWith("/")) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_MOUNT_PATH,
                    "Volume '" + volume + "' mountPath must be an absolute path.");
        }
        Path normal;
        try {
            // Relative to the root, so that '..' at the top stays visible (an absolute path would swallow it).
            normal = Path.of(raw.replaceFirst("^/+", "")).normalize();
        } catch (InvalidPathException e) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_MOUNT_PATH,
                    "Volume '" + volume + "' mountPath is not a valid path: " + e.getReason() + ".");
        }
        if (normal.toString().isEmpty() || normal.getName(0).toString().equals("..")) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_MOUNT_PATH, "Volume '" + volume + "' mountPath '" + raw
                    + "' must name a directory below '/' without climbing above it.");
        }
        return "/" + normal;
    }

    private String hostPath(String volume, String raw, String subPath) {
        if (!raw.startsWith("/")) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_HOST_PATH,
                    "Volume '" + volume + "' host.path must be an absolute path.");
        }
        if (List.of(raw.split("/")).contains("..")) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_HOST_PATH,
                    "Volume '" + volume + "' host.path must not contain '..'.");
        }
        policy.hostPaths().check(volume, raw, subPath);
        return Path.of(raw).normalize().toString();
    }

    /** A JSON object of strings ({@code null} values dropped where upstream allows them). */
    static Map<String, String> stringMap(JsonNode node, String field, boolean nullValues) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw ErrorCodes.unprocessable(field + " must be an object of strings.");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull() && nullValues) {
                continue;
            }
            if (!v.isTextual()) {
                throw ErrorCodes.unprocessable(field + "." + e.getKey() + " must be a string.");
            }
            out.put(e.getKey(), v.asText());
        }
        return out;
    }
}
