package dev.kernelgate.execd.pty;

import dev.kernelgate.execd.command.CommandService;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts a session's shell in a session of its own ({@code setsid(1)}: the JDK cannot fork). On a terminal, a small
 * {@code sh} step then opens the slave as stdin, stdout and stderr: a session leader without a controlling terminal
 * that opens one (without {@code O_NOCTTY}) acquires it. The shell {@code exec}s over that step, so the process
 * started here is the shell itself: its pid is the session id and its process group id. With pipes the shell's
 * stdio are the pipes' child ends.
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
     * Starts {@code bash --norc --noprofile [-c command]} (upstream's shell) on {@code io}.
     *
     * @param cwd working directory, or {@code null} for execd's own
     */
    Process start(ShellIo io, Path cwd, String command) throws IOException {
        if (setsid == null) {
            throw new IOException("setsid(1) not found: terminal sessions need it (util-linux or busybox)");
        }
        List<String> argv = new ArrayList<>(List.of(setsid));
        if (io.isTerminal()) {
            argv.addAll(List.of("/bin/sh", "-c", ATTACH, io.slavePath()));
        }
        if (bash != null) {
            argv.addAll(List.of(bash, "--norc", "--noprofile"));
        } else {
            argv.add("sh");
        }
        if (command != null && !command.isEmpty()) {
            argv.addAll(List.of("-c", command));
        }
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (io.isTerminal()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            List<File> ends = io.childEnds();
            builder.redirectInput(ProcessBuilder.Redirect.from(ends.get(0)))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(ends.get(1)))
                    .redirectError(ProcessBuilder.Redirect.appendTo(ends.get(2)));
        }
        if (cwd != null) {
            builder.directory(cwd.toFile());
        }
        Map<String, String> env = new LinkedHashMap<>(environment.get());
        if (io.isTerminal()) {
            // A terminal without TERM leaves full-screen programs guessing; clients are xterm-compatible.
            env.putIfAbsent("TERM", "xterm-256color");
        }
        CommandService.applyEnvironment(builder, env);
        try {
            return builder.start();
        } finally {
            io.closeChildEnds();
        }
    }
}
