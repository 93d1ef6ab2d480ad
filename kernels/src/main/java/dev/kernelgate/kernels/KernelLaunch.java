package dev.kernelgate.kernels;

import dev.kernelgate.kernelspecs.KernelSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a kernelspec into a process: argv placeholders, the environment (spec env with {@code ${VAR}}
 * substitution, {@code JPY_PARENT_PID}), the working directory and a process group of its own.
 */
final class KernelLaunch {
    private static final Pattern ARG_PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private final KernelSpec spec;
    private final List<String> argv;
    private final Map<String, String> env;
    private final Path cwd;
    private final OwnProcessGroup group;

    KernelLaunch(KernelSpec spec, Path connectionFile, Map<String, String> baseEnv, Path cwd, OwnProcessGroup group) {
        this.spec = spec;
        this.group = group;
        if (!spec.launchable()) {
            throw new KernelStartException(KernelStartException.Reason.NOT_LAUNCHABLE,
                    spec.notLaunchableReason().orElse("kernelspec '" + spec.name() + "' cannot be launched"));
        }
        this.env = environment(spec, baseEnv);
        this.argv = arguments(spec, connectionFile);
        this.cwd = cwd;
        resolveExecutable(argv.get(0));
    }

    List<String> argv() {
        return argv;
    }

    Map<String, String> env() {
        return env;
    }

    Process start(ProcessBuilder.Redirect output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(group.command(argv))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output)
                .redirectError(output);
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    private static List<String> arguments(KernelSpec spec, Path connectionFile) {
        Map<String, String> values = Map.of(
                "connection_file", connectionFile.toAbsolutePath().toString(),
                "resource_dir", spec.resourceDir() == null ? "" : spec.resourceDir().toAbsolutePath().toString());
        List<String> out = new ArrayList<>(spec.argv().size());
        for (String arg : spec.argv()) {
            Matcher m = ARG_PLACEHOLDER.matcher(arg);
            out.add(m.replaceAll(r -> Matcher.quoteReplacement(values.getOrDefault(r.group(1), r.group()))));
        }
        return List.copyOf(out);
    }

    private static Map<String, String> environment(KernelSpec spec, Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        spec.env().forEach((name, value) -> env.put(name, substitute(value, env)));
        env.put("JPY_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        return env;
    }

    /** {@code $VAR} / {@code ${VAR}} from the environment; unknown names stay as written (safe_substitute). */
    static String substitute(String value, Map<String, String> env) {
        Matcher m = ENV_REFERENCE.matcher(value);
        return m.replaceAll(r -> {
            String name = r.group(1) != null ? r.group(1) : r.group(2);
            String replacement = env.get(name);
            return Matcher.quoteReplacement(replacement != null ? replacement : r.group());
        });
    }

    private void resolveExecutable(String executable) {
        if (executable.contains("/")) {
            if (!Files.isExecutable(Path.of(executable))) {
                throw notFound(executable, "'" + executable + "' does not exist or is not executable");
            }
            return;
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return;
            }
        }
        throw notFound(executable, "'" + executable + "' was not found on PATH (" + path + ")");
    }

    private KernelStartException notFound(String executable, String what) {
        return new KernelStartException(KernelStartException.Reason.EXECUTABLE_NOT_FOUND,
                "cannot start kernelspec '" + spec.name() + "' (" + spec.specFile() + "): its executable " + what
                        + "; install the kernel or fix argv[0] of the kernelspec");
    }
}
