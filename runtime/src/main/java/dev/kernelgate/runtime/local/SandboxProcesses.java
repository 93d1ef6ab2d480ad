package dev.kernelgate.runtime.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and signals every process of a sandbox. Commands and kernels that execd starts run in sessions of their
 * own (so execd can interrupt them), which a process-group kill would miss; every process of a sandbox does inherit
 * the marker variable {@value #MARKER} from the child execd, so {@code /proc/<pid>/environ} finds them, even
 * orphans re-parented to init after a crash. The execd's own descendants and its process group are added in case
 * a process scrubbed its environment.
 */
final class SandboxProcesses {
    static final String MARKER = "KERNELGATE_SANDBOX";
    private static final Logger log = LoggerFactory.getLogger(SandboxProcesses.class);
    private static final Path PROC = Path.of("/proc");
    private static final String KILL = Files.isExecutable(Path.of("/usr/bin/kill")) ? "/usr/bin/kill" : "/bin/kill";

    private SandboxProcesses() {
    }

    /** The marker value of one sandbox: the state directory and the id, so two servers never touch each other's. */
    static String marker(Path stateDir, String id) {
        return stateDir.toAbsolutePath() + "#" + id;
    }

    /** Live processes whose marker satisfies {@code test}, plus the given root's process group and descendants. */
    static Set<Long> find(Predicate<String> test, long rootPid) {
        Set<Long> pids = new LinkedHashSet<>();
        if (rootPid > 0) {
            ProcessHandle.of(rootPid).ifPresent(h -> {
                if (h.isAlive()) {
                    pids.add(rootPid);
                    h.descendants().forEach(d -> pids.add(d.pid()));
                }
            });
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == self) {
                    continue;
                }
                String value = markerOf(dir);
                if ((value != null && test.test(value)) || (rootPid > 1 && processGroup(dir) == rootPid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot scan /proc: {}", e.toString());
        }
        pids.removeIf(pid -> pid == self);
        return pids;
    }

    /** SIGSTOP, SIGCONT, SIGKILL... to each pid; true when the kill(1) call reached all of them. */
    static boolean signal(String signal, Set<Long> pids) {
        if (pids.isEmpty()) {
            return true;
        }
        List<String> argv = new ArrayList<>(List.of(KILL, "-s", signal, "--"));
        pids.forEach(p -> argv.add(Long.toString(p)));
        try {
            Process kill = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.getOutputStream().close();
            if (kill.waitFor(5, TimeUnit.SECONDS)) {
                return kill.exitValue() == 0;
            }
            kill.destroyForcibly();
        } catch (IOException e) {
            log.warn("kill -s {} failed: {}", signal, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Kills every process the marker test or the root finds, and keeps at it until none is left: processes are
     * stopped first so a fork loop cannot outrun the kill. Returns how many processes were killed.
     */
    static int killAll(Predicate<String> test, long rootPid) {
        int killed = 0;
        for (int round = 0; round < 20; round++) {
            Set<Long> pids = find(test, rootPid);
            pids.removeIf(pid -> isZombie(pid));
            if (pids.isEmpty()) {
                return killed;
            }
            signal("STOP", pids);
            Set<Long> all = find(test, rootPid);
            all.addAll(pids);
            signal("KILL", all);
            for (long pid : all) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroyForcibly();
                    try {
                        h.onExit().get(2, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // a process of another parent is reaped by its parent, not by us
                    }
                });
            }
            killed += all.size();
        }
        log.warn("processes of sandbox root {} survived 20 kill rounds", rootPid);
        return killed;
    }

    private static boolean isZombie(long pid) {
        String stat = readStat(PROC.resolve(Long.toString(pid)));
        if (stat == null) {
            return true;
        }
        char state = stat.charAt(0);
        return state == 'Z' || state == 'X';
    }

    private static String markerOf(Path procDir) {
        byte[] env;
        try {
            env = Files.readAllBytes(procDir.resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not ours to read
        }
        String prefix = MARKER + "=";
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start > prefix.length()) {
                    String entry = new String(env, start, i - start, StandardCharsets.UTF_8);
                    if (entry.startsWith(prefix)) {
                        return entry.substring(prefix.length());
                    }
                }
                start = i + 1;
            }
        }
        return null;
    }

    private static long processGroup(Path procDir) {
        String stat = readStat(procDir);
        if (stat == null) {
            return -1;
        }
        String[] fields = stat.split(" ", 4);
        try {
            return fields.length >= 3 ? Long.parseLong(fields[2]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code /proc/<pid>/stat} after the command name: "state ppid pgrp ...". */
    private static String readStat(Path procDir) {
        try {
            String text = Files.readString(procDir.resolve("stat"), StandardCharsets.ISO_8859_1);
            int close = text.lastIndexOf(')');
            return close < 0 || close + 2 >= text.length() ? null : text.substring(close + 2);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
