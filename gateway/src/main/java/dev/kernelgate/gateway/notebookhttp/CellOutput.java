package dev.kernelgate.gateway.notebookhttp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kernelgate.kernels.ExecuteResult;
import dev.kernelgate.kernels.ExecutionListener;
import dev.kernelgate.wire.Message;

/**
 * What one cell execution answers, by upstream's precedence: an error ({@code "Error <ename>: <evalue> \n"}), else
 * the stdout text, else the last {@code execute_result}'s mime bundle as JSON, else nothing.
 *
 * @param error {@code null} when the cell ran without one
 */
record CellOutput(String error, String text) {
    boolean failed() {
        return error != null;
    }

    /** Collects a cell's IOPub output; runs on the kernel's reactor thread, read once the execution completed. */
    static final class Collector implements ExecutionListener {
        private final StringBuilder stdout = new StringBuilder();
        private boolean sawStream;
        private JsonNode result;
        private String error;

        @Override
        public void onOutput(Message message) {
            JsonNode content = message.content();
            switch (message.msgType()) {
                case "stream" -> {
                    // stdout, or a stream a non-conforming kernel left unnamed; never stderr.
                    if (!content.has("name") || "stdout".equals(content.path("name").asText())) {
                        stdout.append(content.path("text").asText(""));
                        sawStream = true;
                    }
                }
                case "execute_result" -> result = content.path("data");
                case "error" -> error = errorText(content);
                default -> {
                }
            }
        }

        CellOutput finish(ExecuteResult reply) {
            String failure = error;
            if (failure == null && !reply.ok()) {
                // A kernel that reports the error only in its reply.
                failure = errorText(reply.reply().content());
            }
            if (failure != null) {
                return new CellOutput(failure, "");
            }
            if (sawStream) {
                return new CellOutput(null, stdout.toString());
            }
            return new CellOutput(null, result != null ? PythonJson.dumps(result) : "");
        }

        private static String errorText(JsonNode content) {
            return "Error " + content.path("ename").asText("") + ": " + content.path("evalue").asText("") + " \n";
        }
    }
}
