package dev.kernelgate.execd.pty;

import dev.kernelgate.execd.command.CommandService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts a session's shell on the slave side of a terminal, as the leader of a session of its own with that terminal
 * as its controlling tty. The JDK cannot fork, so {@code setsid(1)} makes the new session and a small {@code sh}
 * step opens the slave as stdin, stdout and stderr: a session leader without a controlling terminal that opens a
 * terminal (without {@code O_NOCTTY}) acquires it. The shell then {@code exec}s over that step, so the process
 * started here is the shell itself: its pid is the session id and its process group id.
 */
final class ShellLauncher {
    /** Opens the terminal named by {@code $0}, then runs {@code "$@"} in place. */
    private static final String ATTACH = "exec 0<>\"$0\" 1>&0 2>&0 && exec \"$@\"";
    private static final File DEV_NULL = new File("/dev/null");

    private final String setsid;
    private final String bash;
    private final Supplier<Map<String, String>> environment;

    /**
     * @param setsid      setsid(1), or {@code null} when there is none (every start then fails)
     * @param bash        bash, or {@code null} to fall back to {@code sh}
     * @param environment the shell's environment, built per start
     */
    ShellLauncher(String setsid, String bash, Supplier<Map<String, String>> environment) {
        this.setsid = setsid;
        this.bash = bash;
        this.environment = environment;
    }

    /**
     * Starts {@code bash --norc --noprofile [-c command]} (upstream's shell) on {@code slave}.
     *
     * @param cwd working directory, or {@code null} for execd's own
     */
    Process start(String slave, Path cwd, String command) throws IOException {
        if (setsid == null) {
            throw new IOException("setsid(1) not found: terminal sessions need it (util-linux or busybox)");
        }
        List<String> argv = new ArrayList<>(List.of(setsid, "/bin/sh", "-c", ATTACH, slave));
        if (bash != null) {
            argv.addAll(List.of(bash, "--norc", "--noprofile"));
        } else {
            argv.add("sh");
        }
        if (command != null && !command.isEmpty()) {
            argv.addAll(List.of("-c", command));
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        Map<String, String> env = new java.util.LinkedHashMap<>(environment.get());
        // A terminal without TERM leaves full-screen programs guessing; clients are xterm-compatible.
        env.putIfAbsent("TERM", "xterm-256color");
        CommandService.applyEnvironment(builder, env);
        return builder.start();
    }
}
