package dev.kernelgate.execd.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Body of {@code POST /command} (upstream {@code model.RunCommandRequest}):
 * {@code {"command","cwd","background","timeout","uid","gid","envs"}}. Unknown fields are ignored; a field of
 * the wrong JSON type is a decoding error, as with Go's {@code json.Decoder}.
 *
 * @param timeoutMillis 0 = no timeout
 * @param uid           {@code null} = execd's own
 * @param gid           {@code null} = the user's primary group (or 0 for an unknown uid, as upstream)
 */
public record RunCommandRequest(String command, String cwd, boolean background, long timeoutMillis, Long uid,
                                Long gid, Map<String, String> envs) {

    private static final long MAX_ID = 0xFFFF_FFFFL;

    public RunCommandRequest {
        cwd = cwd == null ? "" : cwd;
        envs = envs == null ? Map.of() : Map.copyOf(envs);
    }

    public static RunCommandRequest of(String command) {
        return new RunCommandRequest(command, "", false, 0, null, null, Map.of());
    }

    /**
     * Decodes and validates a request (everything but the working directory, which needs the file system).
     *
     * @throws CommandException 400 {@code INVALID_REQUEST_BODY} with upstream's message prefixes
     */
    public static RunCommandRequest parse(JsonNode body) throws CommandException {
        if (body == null || !body.isObject()) {
            throw decoding("cannot unmarshal " + describe(body) + " into a command request");
        }
        String command = string(body, "command");
        String cwd = string(body, "cwd");
        boolean background = false;
        JsonNode bg = body.get("background");
        if (bg != null && !bg.isNull()) {
            if (!bg.isBoolean()) {
                throw decoding("field background must be a boolean");
            }
            background = bg.booleanValue();
        }
        Long timeout = integer(body, "timeout", Long.MIN_VALUE, Long.MAX_VALUE);
        Long uid = integer(body, "uid", 0, MAX_ID);
        Long gid = integer(body, "gid", 0, MAX_ID);
        Map<String, String> envs = new LinkedHashMap<>();
        JsonNode envNode = body.get("envs");
        if (envNode != null && !envNode.isNull()) {
            if (!envNode.isObject()) {
                throw decoding("field envs must be an object of strings");
            }
            for (Map.Entry<String, JsonNode> e : envNode.properties()) {
                if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                    throw decoding("envs." + e.getKey() + " must be a string");
                }
                envs.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().textValue());
            }
        }
        if (command == null || command.isEmpty()) {
            throw invalid("Key: 'RunCommandRequest.Command' Error:Field validation for 'Command' failed on the "
                    + "'required' tag");
        }
        if (timeout != null && timeout < 0) {
            throw invalid("Key: 'RunCommandRequest.TimeoutMs' Error:Field validation for 'TimeoutMs' failed on the "
                    + "'gte' tag");
        }
        if (gid != null && uid == null) {
            throw invalid("uid is required when gid is provided");
        }
        return new RunCommandRequest(command, cwd, background, timeout == null ? 0 : timeout, uid, gid, envs);
    }

    static String string(JsonNode body, String field) throws CommandException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw decoding("field " + field + " must be a string");
        }
        return node.textValue();
    }

    static Long integer(JsonNode body, String field, long min, long max) throws CommandException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw decoding("field " + field + " must be an integer");
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw decoding("field " + field + " is out of range: " + value);
        }
        return value;
    }

    static CommandException decoding(String detail) {
        return CommandException.invalid("error parsing request, MAYBE invalid body format. " + detail);
    }

    private static CommandException invalid(String detail) {
        return CommandException.invalid("invalid request, validation error " + detail);
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "empty body" : node.getNodeType().name().toLowerCase();
    }
}
