package dev.kernelgate.kernelspecs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kernelgate.wire.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The kernelspec of the bundled Java kernel: {@code kernel.json} content and the spec directory (kernel.json and
 * logos) for a given {@code java} executable and class path.
 *
 * <pre>{@code
 * JavaKernelSpec spec = JavaKernelSpec.forCurrentJvm(Path.of(System.getProperty("user.home"), ".cache/kernelgate"));
 * Path dir = spec.writeTo(Path.of(System.getProperty("user.home"), ".local/share/jupyter/kernels")); // .../java
 * }</pre>
 *
 * <p>JVM flags ({@link #DEFAULT_JVM_FLAGS}), chosen for a short-lived, mostly idle, interactive process:
 * <ul>
 *   <li>{@code -XX:+UseSerialGC}: one GC thread, the smallest footprint and fastest start; kernel heaps are small;
 *   <li>{@code -XX:TieredStopAtLevel=1}: C1 only. Measured: ~750 ms of CPU to the first kernel_info_reply instead
 *       of ~1300 ms with C2 compiling too, and no slower JShell compilation. The cost: long-running numeric user
 *       code peaks lower (C1 code is roughly 2-3x slower than C2's); pass other flags for such kernels;
 *   <li>{@code -Xshare:auto}: use the JDK's class-data-sharing archive (the default, stated for clarity);
 *   <li>{@code -XX:-UsePerfData}: no hsperfdata file to create at start (the kernel is then not listed by jps,
 *       though jcmd/jstack by pid still work);
 *   <li>{@code -Djava.awt.headless=true}: images render without a display.
 * </ul>
 * {@link #forCurrentJvm(Path)} adds class data sharing for the kernel's own classes on JDK 19+
 * ({@code -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=<user cache>/kernelgate/java-kernel-....jsa}): the
 * first kernel writes the archive when it exits, later ones start from it (measured on JDK 25: cold start to
 * kernel_info_reply ~420 ms without, ~250-330 ms with). The JVM rebuilds the archive by itself when the JDK or
 * the class path changes. JDK 17 cannot create archives automatically; there the same gain needs a training run
 * with {@code -XX:ArchiveClassesAtExit=FILE} (class path of jars only) and {@code -XX:SharedArchiveFile=FILE}
 * passed through {@link #JavaKernelSpec(Path, String, List)}.
 */
public final class JavaKernelSpec {
    public static final String NAME = "java";
    public static final String DISPLAY_NAME = "Java";
    public static final String LANGUAGE = "java";
    /** The kernel's main class, in the {@code java-kernel} module: named, never imported, so discovery stays apart from it. */
    public static final String MAIN_CLASS = "dev.kernelgate.javakernel.JavaKernel";
    public static final List<String> DEFAULT_JVM_FLAGS = List.of(
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            "-Djava.awt.headless=true");
    /** Logo files shipped next to kernel.json, read from this package's resources under {@code java/}. */
    public static final List<String> LOGOS = List.of("logo-32x32.png", "logo-64x64.png");

    private final Path javaExecutable;
    private final String classPath;
    private final List<String> jvmFlags;

    public JavaKernelSpec(Path javaExecutable, String classPath) {
        this(javaExecutable, classPath, DEFAULT_JVM_FLAGS);
    }

    public JavaKernelSpec(Path javaExecutable, String classPath, List<String> jvmFlags) {
        this.javaExecutable = Objects.requireNonNull(javaExecutable, "javaExecutable");
        this.classPath = Objects.requireNonNull(classPath, "classPath");
        if (classPath.isBlank()) {
            throw new IllegalArgumentException("the Java kernel needs a class path holding " + MAIN_CLASS);
        }
        this.jvmFlags = List.copyOf(jvmFlags);
    }

    /**
     * The spec for the running JVM: its {@code bin/java} and its class path (entries made absolute, so the kernel
     * starts from any working directory), with the default flags plus, on JDK 19+, an automatically maintained
     * class-data-sharing archive in {@code archiveDir} (the bundled specs use the user cache directory), which is
     * created if needed; without the archive when it cannot be.
     */
    public static JavaKernelSpec forCurrentJvm(Path archiveDir) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        String classPath = String.join(File.pathSeparator, entries);
        List<String> flags = new ArrayList<>(DEFAULT_JVM_FLAGS);
        flags.addAll(classDataSharing(Runtime.version(), java, classPath, archiveDir));
        return new JavaKernelSpec(java, classPath, flags);
    }

    /** The flags for an auto-created CDS archive (JDK 19+), or none if unsupported or the directory is unusable. */
    static List<String> classDataSharing(Runtime.Version version, Path java, String classPath, Path archiveDir) {
        if (version.feature() < 19) {
            return List.of();
        }
        try {
            Files.createDirectories(archiveDir);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        if (!Files.isWritable(archiveDir)) {
            return List.of();
        }
        String name = "java-kernel-" + version.toString().replaceAll("[^A-Za-z0-9.]", "_") + "-"
                + Integer.toHexString((java + File.pathSeparator + classPath).hashCode()) + ".jsa";
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archiveDir.resolve(name));
    }

    public Path javaExecutable() {
        return javaExecutable;
    }

    public String classPath() {
        return classPath;
    }

    public List<String> jvmFlags() {
        return jvmFlags;
    }

    /** {@code [java, flags..., -cp, classpath, JavaKernel, {connection_file}]}. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(jvmFlags.size() + 5);
        argv.add(javaExecutable.toString());
        argv.addAll(jvmFlags);
        argv.add("-cp");
        argv.add(classPath);
        argv.add(MAIN_CLASS);
        argv.add(KernelSpec.CONNECTION_FILE_PLACEHOLDER);
        return argv;
    }

    /** The kernel.json content. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        ArrayNode argv = json.putArray("argv");
        argv().forEach(argv::add);
        json.put("display_name", DISPLAY_NAME);
        json.put("language", LANGUAGE);
        json.put("interrupt_mode", InterruptMode.MESSAGE.json());
        json.putObject("metadata");
        return json;
    }

    /** The spec as the catalog's record, for a spec directory {@code specDir} (whether or not written yet). */
    public KernelSpec toKernelSpec(Path specDir) {
        return new KernelSpec(NAME, argv(), DISPLAY_NAME, LANGUAGE, InterruptMode.MESSAGE, Map.of(), Json.object(),
                specDir, specDir.resolve(KernelSpec.KERNEL_JSON));
    }

    /**
     * Writes {@code kernelsDir/java/} with kernel.json and the logos, replacing the files of an earlier install,
     * and returns that directory. {@code kernelsDir} is a Jupyter {@code kernels} directory, e.g.
     * {@code ~/.local/share/jupyter/kernels} ({@code --user}) or {@code PREFIX/share/jupyter/kernels}.
     */
    public Path writeTo(Path kernelsDir) throws IOException {
        Path dir = kernelsDir.resolve(NAME);
        Files.createDirectories(dir);
        Path json = dir.resolve(KernelSpec.KERNEL_JSON);
        Path temporary = Files.createTempFile(dir, ".kernel", ".json");
        try {
            Files.write(temporary, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson()));
            Files.move(temporary, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        for (String logo : LOGOS) {
            try (InputStream in = logo(logo)) {
                Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /** A logo resource ({@link #LOGOS}) as a stream. */
    public static InputStream logo(String fileName) throws IOException {
        if (!LOGOS.contains(fileName)) {
            throw new IOException("no logo named " + fileName);
        }
        InputStream in = JavaKernelSpec.class.getResourceAsStream("java/" + fileName);
        if (in == null) {
            throw new IOException("logo resource " + fileName + " is missing from the class path");
        }
        return in;
    }
}
