package dev.kernelgate.kernelspecs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One kernelspec: what jupyter_client's {@code KernelSpec} holds, plus where it was found.
 *
 * @param name          the spec's name: the lower-cased kernel directory name, or the stem of a drop-in
 *                      {@code <name>.json}; always matches {@code ^[a-z0-9._\-]+$}
 * @param argv          the command line, with {@code {connection_file}} (and maybe {@code {resource_dir}}) placeholders
 * @param displayName   {@code display_name}, {@code ""} if absent
 * @param language      {@code language}, {@code ""} if absent
 * @param interruptMode {@code interrupt_mode}
 * @param env           {@code env}, in file order, values not yet {@code ${VAR}}-substituted
 * @param metadata      {@code metadata}, {@code {}} if absent (the record keeps and hands out copies)
 * @param resourceDir   the directory holding the spec (for a drop-in file: the drop-in directory)
 * @param specFile      the {@code kernel.json} or drop-in {@code <name>.json}
 */
public record KernelSpec(
        String name,
        List<String> argv,
        String displayName,
        String language,
        InterruptMode interruptMode,
        Map<String, String> env,
        ObjectNode metadata,
        Path resourceDir,
        Path specFile) {

    /** The file name of a spec inside a kernel directory. */
    public static final String KERNEL_JSON = "kernel.json";

    /** The argv placeholder replaced by the connection file's path at launch. */
    public static final String CONNECTION_FILE_PLACEHOLDER = "{connection_file}";

    private static final Pattern VALID_NAME = Pattern.compile("^[a-z0-9._\\-]+$");

    public KernelSpec {
        Objects.requireNonNull(name, "name");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid kernelspec name '" + name
                    + "': only lower-case ASCII letters, digits and . _ - are allowed");
        }
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("kernelspec '" + name + "': argv is empty");
        }
        displayName = displayName == null ? "" : displayName;
        language = language == null ? "" : language;
        interruptMode = interruptMode == null ? InterruptMode.SIGNAL : interruptMode;
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
        Objects.requireNonNull(resourceDir, "resourceDir");
        Objects.requireNonNull(specFile, "specFile");
    }

    /** Whether {@code name} is a valid (already lower-cased) kernelspec name: {@code ^[a-z0-9._\-]+$}. */
    public static boolean isValidName(String name) {
        return name != null && VALID_NAME.matcher(name).matches();
    }

    /** A copy of {@code metadata}: the record stays immutable. */
    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /** Whether the spec came from a flat drop-in file rather than a {@code <name>/kernel.json} directory. */
    public boolean dropIn() {
        return !KERNEL_JSON.equals(String.valueOf(specFile.getFileName()));
    }

    /** Whether the gateway can start it: some argv element contains {@code {connection_file}}. */
    public boolean launchable() {
        return argv.stream().anyMatch(arg -> arg.contains(CONNECTION_FILE_PLACEHOLDER));
    }

    /**
     * Why the spec cannot be launched, naming the spec file and the fix; empty when {@link #launchable()}.
     * Meant for the error a client sees when it asks for such a kernel, and for the CLI.
     */
    public Optional<String> notLaunchableReason() {
        if (launchable()) {
            return Optional.empty();
        }
        return Optional.of("kernelspec '" + name + "' (" + specFile + ") cannot be launched: its argv has no "
                + CONNECTION_FILE_PLACEHOLDER + "; " + connectionFileHint());
    }

    private String connectionFileHint() {
        String joined = String.join(" ", argv).toLowerCase(Locale.ROOT);
        if (joined.contains("irkernel")) {
            return "add \"--args\", \"" + CONNECTION_FILE_PLACEHOLDER + "\" at the end of argv (IRkernel)";
        }
        if (joined.contains("ipykernel")) {
            return "add \"-f\", \"" + CONNECTION_FILE_PLACEHOLDER + "\" to argv (ipykernel)";
        }
        return "add the kernel's connection-file argument to argv, e.g. \"--args\", \"" + CONNECTION_FILE_PLACEHOLDER
                + "\" (IRkernel) or \"-f\", \"" + CONNECTION_FILE_PLACEHOLDER + "\" (ipykernel)";
    }

    /**
     * The spec's resource files, as {@code GET /api/kernelspecs} lists them: {@code kernel.js} and {@code kernel.css}
     * keyed by their file name, every {@code logo-*} file keyed by its name without extension
     * (e.g. {@code logo-64x64}). Sorted by key. A drop-in spec has none: its directory is shared with other specs.
     * Reads the directory on each call; an unreadable directory yields an empty map.
     */
    public Map<String, Path> resources() {
        if (dropIn()) {
            return Map.of();
        }
        Map<String, Path> resources = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(resourceDir)) {
            for (Path file : files) {
                String fileName = String.valueOf(file.getFileName());
                String key = resourceKey(fileName);
                if (key != null && Files.isRegularFile(file)) {
                    resources.put(key, file);
                }
            }
        } catch (IOException | SecurityException e) {
            return Map.of();
        }
        return Collections.unmodifiableMap(resources);
    }

    private static String resourceKey(String fileName) {
        if (fileName.equals("kernel.js") || fileName.equals("kernel.css")) {
            return fileName;
        }
        if (fileName.startsWith("logo-")) {
            int dot = fileName.lastIndexOf('.');
            return dot > 0 ? fileName.substring(0, dot) : fileName;
        }
        return null;
    }

    /**
     * The spec as jupyter_client's {@code KernelSpec.to_dict()}: exactly {@code argv}, {@code env},
     * {@code display_name}, {@code language}, {@code interrupt_mode}, {@code metadata}. A fresh node each call.
     */
    public ObjectNode toJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode json = nodes.objectNode();
        ArrayNode argvJson = json.putArray("argv");
        argv.forEach(argvJson::add);
        ObjectNode envJson = json.putObject("env");
        env.forEach(envJson::put);
        json.put("display_name", displayName);
        json.put("language", language);
        json.put("interrupt_mode", interruptMode.json());
        json.set("metadata", metadata.deepCopy());
        return json;
    }
}
