package dev.kernelgate.execd.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-group operations the JDK lacks. A group is signalled atomically with {@code kill(1)} ({@code kill -s SIG
 * -- -PGID}); membership is read from {@code /proc/<pid>/stat}. Without a {@code kill} binary each member found in
 * {@code /proc} is signalled through {@link ProcessHandle}. Blocking (a few milliseconds): call off event loops.
 */
final class ProcessGroups {

    private static final Logger log = LoggerFactory.getLogger(ProcessGroups.class);
    private static final Path PROC = Path.of("/proc");
    private static final String KILL = findKill();

    private ProcessGroups() {
    }

    /** POSIX signals the service sends, with Go's names for them ({@code syscall.Signal.String()}). */
    enum Signal {
        TERM(15, "terminated"), KILL(9, "killed");

        final int number;
        final String goName;

        Signal(int number, String goName) {
            this.number = number;
            this.goName = goName;
        }
    }

    /** Go's description of a death by signal {@code number}, e.g. {@code "signal: killed"}. */
    static String describeSignal(int number) {
        String name = switch (number) {
            case 1 -> "hangup";
            case 2 -> "interrupt";
            case 3 -> "quit";
            case 6 -> "aborted";
            case 9 -> "killed";
            case 13 -> "broken pipe";
            case 14 -> "alarm clock";
            case 15 -> "terminated";
            default -> "signal " + number;
        };
        return "signal: " + name;
    }

    /** Sends {@code signal} to every process of group {@code pgid}; false when none was left. */
    static boolean signal(long pgid, Signal signal) {
        if (pgid <= 1) {
            return false;
        }
        if (KILL != null) {
            try {
                Process kill = new ProcessBuilder(KILL, "-s", signal.name(), "--", "-" + pgid)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                kill.getOutputStream().close();
                if (kill.waitFor(5, TimeUnit.SECONDS)) {
                    return kill.exitValue() == 0;
                }
                kill.destroyForcibly();
            } catch (IOException e) {
                log.debug("kill(1) failed for group {}: {}", pgid, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        boolean any = false;
        for (long pid : members(pgid)) {
            any |= ProcessHandle.of(pid)
                    .map(h -> signal == Signal.KILL ? h.destroyForcibly() : h.destroy())
                    .orElse(false);
        }
        return any;
    }

    /** Live (non-zombie) processes whose process group is {@code pgid}. */
    static List<Long> members(long pgid) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long[] stat = readStat(dir.resolve("stat"));
                if (stat != null && stat[1] == pgid && stat[0] != 'Z' && stat[0] != 'X') {
                    pids.add(Long.parseLong(name));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot list /proc: {}", e.toString());
        }
        return pids;
    }

    static boolean alive(long pgid) {
        return !members(pgid).isEmpty();
    }

    /** {@code [state, pgrp]} from {@code /proc/<pid>/stat}, or {@code null}. */
    private static long[] readStat(Path stat) {
        String text;
        try {
            text = new String(Files.readAllBytes(stat), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null; // the process is gone
        }
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) {
            return null;
        }
        String[] fields = text.substring(close + 2).split(" ", 4);
        if (fields.length < 3) {
            return null;
        }
        try {
            return new long[] {fields[0].charAt(0), Long.parseLong(fields[2])};
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String findKill() {
        for (String candidate : List.of("/usr/bin/kill", "/bin/kill")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
