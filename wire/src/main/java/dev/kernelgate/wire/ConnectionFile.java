package dev.kernelgate.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Reads and writes connection files (JSON, mode 0600: the key inside authorises code execution). */
public final class ConnectionFile {
    private ConnectionFile() {
    }

    public static ConnectionInfo read(Path file) throws IOException {
        return fromJson(Json.MAPPER.readTree(file.toFile()), file);
    }

    /**
     * The connection info in a parsed connection file ({@code file} names it in errors). Needs no
     * {@code ObjectMapper}: the Java kernel parses its file with Jackson's streaming parser to start faster.
     */
    public static ConnectionInfo fromJson(JsonNode node, Path file) throws IOException {
        if (!(node instanceof ObjectNode)) {
            throw new IOException(file + ": a connection file must hold a JSON object");
        }
        try {
            return new ConnectionInfo(text(node, "transport", "tcp"), text(node, "ip", "127.0.0.1"),
                    port(node, "shell_port", file), port(node, "iopub_port", file), port(node, "stdin_port", file),
                    port(node, "control_port", file), port(node, "hb_port", file), text(node, "key", ""),
                    text(node, "signature_scheme", "hmac-sha256"), text(node, "kernel_name", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code info} to a new file created with mode 0600 (replacing an existing one). */
    public static void write(Path file, ConnectionInfo info) throws IOException {
        ObjectNode node = Json.object();
        node.put("shell_port", info.shellPort());
        node.put("iopub_port", info.iopubPort());
        node.put("stdin_port", info.stdinPort());
        node.put("control_port", info.controlPort());
        node.put("hb_port", info.hbPort());
        node.put("ip", info.ip());
        node.put("key", info.key());
        node.put("transport", info.transport());
        node.put("signature_scheme", info.signatureScheme());
        node.put("kernel_name", info.kernelName());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while being written", e);
        }
        Files.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node),
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static int port(JsonNode node, String field, Path file) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || value.asInt() < 0 || value.asInt() > 65535) {
            throw new IOException(file + ": '" + field + "' must be a port number");
        }
        return value.asInt();
    }
}
