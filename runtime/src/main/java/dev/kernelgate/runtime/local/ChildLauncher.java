package dev.kernelgate.runtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kernelgate.runtime.config.LocalSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts child execd JVMs: {@code setsid sh -c 'ulimit ...; exec "$@"' sh java ... SandboxExecdMain <dir> [warm]}.
 * Each child gets a directory of its own (its workspace is the working directory), a session of its own, only a
 * few variables of the server's environment (never its API key) plus the marker by which
 * {@link SandboxProcesses} finds every process it will start.
 */
final class ChildLauncher {
    /** Variables a child inherits from the server; everything else stays behind. */
    private static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG",
            "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "JAVA_HOME", "JUPYTER_PATH",
            "PYDEVD_DISABLE_FILE_VALIDATION");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PEM files a child's execd serves TLS with: the server's own, so clients trust both alike. */
    record TlsFiles(Path cert, Path key) {
    }

    /** How a child starts: cold (assigned at once), warm (warms up, then waits), or training the CDS archive. */
    enum Mode {
        COLD, WARM, TRAIN
    }

    /** A started child, with the pipe its assignment goes through. */
    record Child(SandboxDirectory dir, String marker, Process process, OutputStream stdin) {
    }

    private final Path stateDir;
    private final LocalSettings settings;
    private final Map<String, String> serverEnv;
    private final ChildJvm jvm;
    private final TlsFiles tls;
    private final Optional<ClassDataArchive> archive;

    /** @param tls null for plain HTTP */
    ChildLauncher(Path stateDir, LocalSettings settings, Map<String, String> serverEnv, ChildJvm jvm, TlsFiles tls) {
        this.stateDir = stateDir;
        this.settings = settings;
        this.serverEnv = Map.copyOf(serverEnv);
        this.jvm = jvm;
        this.tls = tls;
        this.archive = ClassDataArchive.forChildren(jvm, settings.javaOptions(), stateDir);
    }

    /** The CDS archive children could use, when the class path allows one. */
    Optional<ClassDataArchive> archive() {
        return archive;
    }

    String scheme() {
        return tls == null ? "http" : "https";
    }

    /** The marker value shared by every child of this state directory, before the child's own part. */
    String markerPrefix() {
        return stateDir + "#";
    }

    Child spawn(Mode mode) throws IOException {
        String slot = UUID.randomUUID().toString();
        SandboxDirectory dir = new SandboxDirectory(stateDir.resolve(slot));
        dir.create();
        String marker = markerPrefix() + slot;
        ProcessBuilder pb = new ProcessBuilder(command(dir, mode))
                .directory(dir.workspace().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.file(SandboxDirectory.EXECD_LOG).toFile());
        pb.environment().clear();
        for (String name : INHERITED_ENV) {
            String value = serverEnv.get(name);
            if (value != null) {
                pb.environment().put(name, value);
            }
        }
        pb.environment().put(SandboxProcesses.MARKER, marker);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            dir.deleteRecursively();
            throw e;
        }
        dir.write(SandboxDirectory.PID, process.pid() + " "
                + process.info().startInstant().map(Object::toString).orElse("-"));
        return new Child(dir, marker, process, process.getOutputStream());
    }

    /** Hands the child its sandbox: one JSON line on its stdin. */
    void assign(Child child, Map<String, String> env, List<String> entrypoint) throws IOException {
        Map<String, Object> assignment = new LinkedHashMap<>();
        assignment.put("env", env);
        assignment.put("entrypoint", entrypoint);
        child.stdin().write((JSON.writeValueAsString(assignment) + "\n").getBytes(StandardCharsets.UTF_8));
        child.stdin().flush();
    }

    private List<String> command(SandboxDirectory dir, Mode mode) {
        List<String> options = new ArrayList<>(settings.javaOptions());
        archive.ifPresent(a -> options.addAll(mode == Mode.TRAIN ? a.trainOptions() : a.useOptions()));
        options.add("-Djava.io.tmpdir=" + dir.tmp());
        if (tls != null) {
            options.add("-D" + SandboxExecdMain.TLS_CERT_PROPERTY + "=" + tls.cert().toAbsolutePath());
            options.add("-D" + SandboxExecdMain.TLS_KEY_PROPERTY + "=" + tls.key().toAbsolutePath());
        }
        List<String> args = mode == Mode.COLD ? List.of(dir.root().toString())
                : List.of(dir.root().toString(), "warm");
        List<String> java = jvm.command(options, SandboxExecdMain.class, args);
        StringBuilder limits = new StringBuilder("ulimit -c 0; ");
        if (settings.openFilesLimit() > 0) {
            limits.append("ulimit -n ").append(settings.openFilesLimit()).append("; ");
        }
        if (settings.pidsLimit() > 0) {
            limits.append("ulimit -u ").append(settings.pidsLimit()).append("; ");
        }
        List<String> argv = new ArrayList<>(List.of("setsid", "sh", "-c", limits + "exec \"$@\"", "sh"));
        argv.addAll(java);
        return argv;
    }
}
