package dev.kernelgate.kernelspecs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one kernelspec file ({@code kernel.json} or a drop-in {@code <name>.json}) into a {@link KernelSpec}.
 *
 * <p>{@code argv} is required (a non-empty array of strings); {@code display_name}, {@code language} (strings),
 * {@code interrupt_mode} ({@code signal}|{@code message}, any case), {@code env} (object of strings) and
 * {@code metadata} (object) are optional; {@code null} counts as absent; other keys are ignored. Thread-safe.
 */
public final class KernelSpecParser {

    /** Larger files are refused: a kernelspec is a few hundred bytes, and discovery must stay cheap. */
    public static final long MAX_SPEC_BYTES = 1L << 20;

    private final ObjectMapper mapper;

    public KernelSpecParser() {
        this.mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Parses {@code <kernelDir>/kernel.json}; the name is the directory's name, lower-cased. */
    public KernelSpec parseKernelDir(Path kernelDir) throws InvalidKernelSpecException {
        String name = String.valueOf(kernelDir.getFileName()).toLowerCase(Locale.ROOT);
        return parse(name, kernelDir.resolve(KernelSpec.KERNEL_JSON), kernelDir);
    }

    /** Parses a drop-in {@code <name>.json}; the name is the file's stem, lower-cased; the resource dir its parent. */
    public KernelSpec parseDropIn(Path specFile) throws InvalidKernelSpecException {
        String fileName = String.valueOf(specFile.getFileName());
        String stem = fileName.toLowerCase(Locale.ROOT).endsWith(".json")
                ? fileName.substring(0, fileName.length() - ".json".length())
                : fileName;
        Path parent = specFile.getParent() != null ? specFile.getParent() : specFile.toAbsolutePath().getParent();
        return parse(stem.toLowerCase(Locale.ROOT), specFile, parent);
    }

    /** Reads and parses {@code specFile}, giving the spec the {@code name} and {@code resourceDir} it was found under. */
    public KernelSpec parse(String name, Path specFile, Path resourceDir) throws InvalidKernelSpecException {
        byte[] bytes;
        try {
            if (Files.size(specFile) > MAX_SPEC_BYTES) {
                throw new InvalidKernelSpecException(specFile, "file is larger than " + MAX_SPEC_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(specFile);
        } catch (NoSuchFileException e) {
            throw new InvalidKernelSpecException(specFile, "file does not exist", e);
        } catch (IOException | SecurityException e) {
            throw new InvalidKernelSpecException(specFile, "cannot read file: " + e, e);
        }
        return parse(name, specFile, resourceDir, bytes);
    }

    /** Parses already-read file content (UTF-8 JSON). */
    public KernelSpec parse(String name, Path specFile, Path resourceDir, byte[] json)
            throws InvalidKernelSpecException {
        if (!KernelSpec.isValidName(name)) {
            throw new InvalidKernelSpecException(specFile, "invalid kernelspec name '" + name
                    + "': only ASCII letters, digits and . _ - are allowed");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            // Jackson's message may name a redacted source ("[Source: REDACTED (...); line: 1, ...]"); keep the rest.
            String message = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
            throw new InvalidKernelSpecException(specFile, "not valid JSON: " + message + where, e);
        } catch (IOException e) {
            throw new InvalidKernelSpecException(specFile, "not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidKernelSpecException(specFile, "file is empty");
        }
        if (!root.isObject()) {
            throw new InvalidKernelSpecException(specFile, "top level is " + describe(root) + ", expected an object");
        }
        return new KernelSpec(
                name,
                argv(specFile, root.get("argv")),
                optionalString(specFile, root, "display_name"),
                optionalString(specFile, root, "language"),
                interruptMode(specFile, root.get("interrupt_mode")),
                env(specFile, root.get("env")),
                metadata(specFile, root.get("metadata")),
                resourceDir,
                specFile);
    }

    private static List<String> argv(Path specFile, JsonNode node) throws InvalidKernelSpecException {
        if (node == null || node.isNull()) {
            throw new InvalidKernelSpecException(specFile, "\"argv\" is missing");
        }
        if (!node.isArray()) {
            throw new InvalidKernelSpecException(specFile, "\"argv\" is " + describe(node) + ", expected an array of strings");
        }
        if (node.isEmpty()) {
            throw new InvalidKernelSpecException(specFile, "\"argv\" is empty");
        }
        List<String> argv = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw new InvalidKernelSpecException(specFile,
                        "\"argv\"[" + i + "] is " + describe(element) + ", expected a string");
            }
            argv.add(element.textValue());
        }
        return argv;
    }

    private static String optionalString(Path specFile, JsonNode root, String field)
            throws InvalidKernelSpecException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new InvalidKernelSpecException(specFile, "\"" + field + "\" is " + describe(node) + ", expected a string");
        }
        return node.textValue();
    }

    private static InterruptMode interruptMode(Path specFile, JsonNode node) throws InvalidKernelSpecException {
        if (node == null || node.isNull()) {
            return InterruptMode.SIGNAL;
        }
        if (!node.isTextual()) {
            throw new InvalidKernelSpecException(specFile,
                    "\"interrupt_mode\" is " + describe(node) + ", expected \"signal\" or \"message\"");
        }
        return InterruptMode.fromJson(node.textValue()).orElseThrow(() -> new InvalidKernelSpecException(specFile,
                "\"interrupt_mode\" is \"" + node.textValue() + "\", expected \"signal\" or \"message\""));
    }

    private static Map<String, String> env(Path specFile, JsonNode node) throws InvalidKernelSpecException {
        Map<String, String> env = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return env;
        }
        if (!node.isObject()) {
            throw new InvalidKernelSpecException(specFile, "\"env\" is " + describe(node) + ", expected an object");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new InvalidKernelSpecException(specFile, "\"env\".\"" + entry.getKey() + "\" is "
                        + describe(entry.getValue()) + ", expected a string");
            }
            env.put(entry.getKey(), entry.getValue().textValue());
        }
        return env;
    }

    private static ObjectNode metadata(Path specFile, JsonNode node) throws InvalidKernelSpecException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidKernelSpecException(specFile, "\"metadata\" is " + describe(node) + ", expected an object");
        }
        return (ObjectNode) node;
    }

    private static String describe(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY:
                return "an array";
            case OBJECT:
                return "an object";
            case STRING:
                return "a string";
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "a boolean";
            case NULL:
                return "null";
            default:
                return node.getNodeType().toString().toLowerCase(Locale.ROOT);
        }
    }
}
