package dev.kernelgate.execd.command;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /session/{id}/run} (upstream {@code model.RunInSessionRequest}):
 * {@code {"command","cwd","timeout"}}, timeout in milliseconds (0 or absent: 24 h).
 */
public record RunInSessionRequest(String command, String cwd, long timeoutMillis) {

    public RunInSessionRequest {
        cwd = cwd == null ? "" : cwd;
    }

    /** @throws CommandException 400 {@code INVALID_REQUEST_BODY} with upstream's message prefixes */
    public static RunInSessionRequest parse(JsonNode body) throws CommandException {
        if (body == null || !body.isObject()) {
            throw CommandException.invalid("error parsing request. cannot unmarshal "
                    + (body == null || body.isMissingNode() ? "empty body" : body.getNodeType().name().toLowerCase())
                    + " into a session run request");
        }
        String command;
        String cwd;
        Long timeout;
        try {
            command = RunCommandRequest.string(body, "command");
            cwd = RunCommandRequest.string(body, "cwd");
            timeout = RunCommandRequest.integer(body, "timeout", Long.MIN_VALUE, Long.MAX_VALUE);
        } catch (CommandException e) {
            throw CommandException.invalid(e.getMessage().replace("error parsing request, MAYBE invalid body format. ",
                    "error parsing request. "));
        }
        if (command == null || command.isEmpty()) {
            throw CommandException.invalid("invalid request. Key: 'RunInSessionRequest.Command' Error:Field "
                    + "validation for 'Command' failed on the 'required' tag");
        }
        if (timeout != null && timeout < 0) {
            throw CommandException.invalid("invalid request. Key: 'RunInSessionRequest.Timeout' Error:Field "
                    + "validation for 'Timeout' failed on the 'gte' tag");
        }
        return new RunInSessionRequest(command, cwd, timeout == null ? 0 : timeout);
    }
}
