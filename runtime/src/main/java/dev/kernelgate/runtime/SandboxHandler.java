package dev.kernelgate.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.http.Request;
import dev.kernelgate.http.Response;
import dev.kernelgate.http.Responses;
import dev.kernelgate.runtime.spi.SandboxEndpoint;
import dev.kernelgate.runtime.spi.SandboxException;
import dev.kernelgate.runtime.spi.SandboxState;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /sandboxes} routes: read the request, call {@link SandboxService} on the blocking executor (runtimes
 * block), answer in upstream's shapes and status codes.
 */
final class SandboxHandler {
    private static final int MAX_PAGE_SIZE = 200;

    private final SandboxService service;
    /** {@code [server] eip}: the address clients reach the server at, or null to take the request's Host. */
    private final String eip;

    SandboxHandler(SandboxService service, String eip) {
        this.service = service;
        this.eip = eip == null || eip.isBlank() ? null : eip.strip();
    }

    Response create(Request request) {
        JsonNode body = request.jsonTree();
        return request.offload(() -> Responses.json(202, SandboxJson.createResponse(service.create(body))));
    }

    Response list(Request request) {
        Set<SandboxState> states = new LinkedHashSet<>();
        for (String s : request.queryAll("state")) {
            for (String part : s.split(",")) {
                SandboxState state = SandboxState.fromWire(part.trim());
                if (state == null) {
                    throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "Unknown state '" + part + "'.");
                }
                states.add(state);
            }
        }
        Map<String, String> metadata = metadataFilter(request.query("metadata"));
        int page = intParam(request, "page", 1, 1, Integer.MAX_VALUE);
        int pageSize = intParam(request, "pageSize", 20, 1, MAX_PAGE_SIZE);
        return request.offload(() -> Responses.json(SandboxJson.page(service.list(states, metadata, page, pageSize))));
    }

    Response get(Request request) {
        String id = request.pathParam("id");
        return request.offload(() -> Responses.json(SandboxJson.sandbox(service.get(id))));
    }

    Response delete(Request request) {
        String id = request.pathParam("id");
        return request.offload(() -> {
            service.delete(id);
            return Responses.noContent();
        });
    }

    Response pause(Request request) {
        String id = request.pathParam("id");
        return request.offload(() -> {
            service.pause(id);
            return Responses.empty(202);
        });
    }

    Response resume(Request request) {
        String id = request.pathParam("id");
        return request.offload(() -> {
            service.resume(id);
            return Responses.empty(202);
        });
    }

    Response renew(Request request) {
        String id = request.pathParam("id");
        JsonNode body = request.jsonTree();
        JsonNode at = body.path("expiresAt");
        if (!at.isTextual()) {
            throw ErrorCodes.unprocessable("expiresAt is required (an RFC 3339 date-time).");
        }
        Instant expiresAt;
        try {
            expiresAt = OffsetDateTime.parse(at.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw ErrorCodes.unprocessable("expiresAt '" + at.asText() + "' is not an RFC 3339 date-time.");
        }
        if (expiresAt.isAfter(CreateRequestParser.LATEST_EXPIRY)) {
            // RFC 3339 years have four digits; java.time reads '+999999999-...' too.
            throw ErrorCodes.unprocessable("expiresAt '" + at.asText() + "' is after "
                    + CreateRequestParser.LATEST_EXPIRY + ", the last RFC 3339 date-time.");
        }
        return request.offload(() -> Responses.json(SandboxJson.renewed(service.renew(id, expiresAt))));
    }

    Response patchMetadata(Request request) {
        String id = request.pathParam("id");
        JsonNode patch = request.jsonTree();
        return request.offload(() -> Responses.json(SandboxJson.sandbox(service.patchMetadata(id, patch))));
    }

    Response endpoint(Request request) {
        String id = request.pathParam("id");
        String raw = request.pathParam("port");
        int port;
        try {
            port = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw service.codes().invalidPort(raw);
        }
        boolean serverProxy = truthy(request.query("use_server_proxy"));
        if (serverProxy && request.query("expires") != null) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER,
                    "use_server_proxy cannot be combined with expires; signed endpoints require the gateway route.");
        }
        if (request.query("expires") != null) {
            throw new SandboxException(400, ErrorCodes.INVALID_PARAMETER,
                    "Signed endpoints need an ingress gateway with secure_access, which this server does not have.");
        }
        int p = port;
        String proxyBase = serverProxy ? proxyBase(request) : null;
        return request.offload(() -> {
            SandboxEndpoint direct = service.endpoint(id, p);
            return Responses.json(SandboxJson.endpoint(proxyBase == null ? direct
                    : new SandboxEndpoint(proxyBase + "/sandboxes/" + id + "/proxy/" + p, direct.headers())));
        });
    }

    /**
     * Where clients reach this server, as upstream builds it for {@code use_server_proxy}: {@code [server] eip} if
     * set, else the request's {@code Host}; without a scheme and a trailing slash.
     */
    private String proxyBase(Request request) {
        String base = eip != null ? eip : request.header("Host");
        if (base == null || base.isBlank()) {
            throw ErrorCodes.invalid(ErrorCodes.INVALID_PARAMETER, "use_server_proxy needs the request's Host "
                    + "header (or [server] eip) to say where clients reach this server.");
        }
        base = base.strip().replaceFirst("^(?i)https?://", "");
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** A boolean query parameter as FastAPI reads one: {@code true/1/yes/on/t/y} in any case are true. */
    private static boolean truthy(String raw) {
        return raw != null && switch (raw.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on", "t", "y" -> true;
            default -> false;
        };
    }

    /** Upstream's {@code metadata} filter: a URL-encoded query string {@code k=v&k2=v2}. */
    private static Map<String, String> metadataFilter(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw ErrorCodes.invalid(ErrorCodes.INVALID_METADATA_FORMAT,
                        "Invalid metadata format: bad query field: '" + pair + "'");
            }
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static int intParam(Request request, String name, int fallback, int min, int max) {
        String raw = request.query(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ErrorCodes.unprocessable(name + " must be an integer between " + min + " and " + max + ", not '"
                + raw + "'.");
    }
}
