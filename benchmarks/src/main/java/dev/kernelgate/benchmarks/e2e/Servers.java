package dev.kernelgate.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the servers under test the way users run them: Kernelgate through the repository's {@code ./kernelgate}
 * launcher (so with the JVM flags it ships), jupyter_server from Debian's {@code /usr/bin/python3}.
 */
final class Servers {
    static final String PYTHON = "/usr/bin/python3";
    /** How a warning line looks in each server's log. */
    private static final String KERNELGATE_WARNING = " WARN ";
    private static final Pattern DEFAULT_OPTS = Pattern.compile("default_java_opts=\"([^\"]*)\"");

    private final Path repo;
    private final Path work;
    private int started;

    Servers(Path repo, Path work) {
        this.repo = repo;
        this.work = work;
    }

    /** The repository root: the nearest directory up from here holding the {@code kernelgate} launcher. */
    static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("kernelgate")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("run from inside the Kernelgate repository (no ./kernelgate found)");
    }

    /** The JVM flags the launcher uses when KERNELGATE_JAVA_OPTS is unset. */
    String launcherJvmFlags() throws IOException {
        Matcher m = DEFAULT_OPTS.matcher(Files.readString(repo.resolve("kernelgate")));
        return m.find() ? m.group(1).replace("\\\n", " ").replaceAll("\\s+", " ").trim() : "(unknown)";
    }

    Path work() {
        return work;
    }

    Path repo() {
        return repo;
    }

    /** Where Kernelgate servers started here write their kernels' connection files. */
    Path kernelgateRuntimeDir() {
        return work.resolve("runtime");
    }

    /** {@code ./kernelgate gateway} with a token and the given KG_* settings. */
    ServerProcess kernelgate(String name, Map<String, String> settings) throws IOException, InterruptedException {
        int port = ServerProcess.freePort();
        Map<String, String> env = launcherEnv();
        env.put("KG_IP", "127.0.0.1");
        env.put("KG_PORT", Integer.toString(port));
        env.put("KG_AUTH_TOKEN", "bench-token");
        env.putAll(settings);
        return ServerProcess.start(name, List.of(repo.resolve("kernelgate").toString(), "gateway"), env,
                dir(name), port, "bench-token", "/api/kernelspecs", KERNELGATE_WARNING);
    }

    /** {@code ./kernelgate execd} on a free port, no token. */
    ServerProcess execd(String name) throws IOException, InterruptedException {
        int port = ServerProcess.freePort();
        return ServerProcess.start(name, List.of(repo.resolve("kernelgate").toString(), "execd", "--port",
                Integer.toString(port)), launcherEnv(), dir(name), port, "", "/ping", KERNELGATE_WARNING);
    }

    /** Debian's jupyter_server, stock or with its IOPub rate limits switched off. */
    ServerProcess jupyterServer(String name, boolean rateLimitOff) throws IOException, InterruptedException {
        int port = ServerProcess.freePort();
        Path dir = dir(name);
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "jupyter_server", "--no-browser",
                "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + port, "--ServerApp.port_retries=0",
                "--ServerApp.token=bench-token", "--ServerApp.root_dir=" + dir, "--allow-root"));
        if (rateLimitOff) {
            command.add("--ServerApp.iopub_msg_rate_limit=0");
            command.add("--ServerApp.iopub_data_rate_limit=0");
        }
        Map<String, String> env = new HashMap<>(kernelEnv());
        env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        return ServerProcess.start(name, command, env, dir, port, "bench-token", "/api/kernelspecs", "[W ");
    }

    /** Environment for kernels: ipykernel's debugger otherwise warns on every start. */
    static Map<String, String> kernelEnv() {
        return Map.of("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    }

    private Map<String, String> launcherEnv() {
        Map<String, String> env = new HashMap<>(kernelEnv());
        env.put("KERNELGATE_NO_BUILD", "1");
        env.put("JUPYTER_RUNTIME_DIR", kernelgateRuntimeDir().toString());
        return env;
    }

    private Path dir(String name) throws IOException {
        Path dir = work.resolve(String.format("%02d-%s", ++started, name.replaceAll("[^A-Za-z0-9._-]", "_")));
        Files.createDirectories(dir);
        return dir;
    }
}
