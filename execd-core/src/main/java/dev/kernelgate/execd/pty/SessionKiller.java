package dev.kernelgate.execd.pty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kills everything a terminal session started. An interactive shell puts each job in a process group of its own,
 * so the shell's group alone misses them: every process whose session id ({@code /proc/<pid>/stat}) is the shell's
 * goes too. Blocking (a scan of {@code /proc}): call it off event loops.
 */
final class SessionKiller {
    private static final int SIGKILL = 9;
    private static final Path PROC = Path.of("/proc");

    private SessionKiller() {
    }

    /** SIGKILL to group {@code sid}, then to each member of session {@code sid} (twice, for jobs forked between). */
    static void kill(long sid) {
        if (sid <= 1) {
            return;
        }
        Libc.C.kill((int) -sid, SIGKILL);
        for (int pass = 0; pass < 2; pass++) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
                for (Path dir : dirs) {
                    if (sessionOf(dir) == sid) {
                        Libc.C.kill(Integer.parseInt(dir.getFileName().toString()), SIGKILL);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return; // no /proc: the group kill is all there is
            }
        }
    }

    /** Field 6 of {@code stat} (the session id), or -1 when the process is gone. */
    private static long sessionOf(Path dir) {
        try {
            String stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.ISO_8859_1);
            // After the parenthesised command name: state ppid pgrp session ...
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
